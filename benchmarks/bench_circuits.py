"""Bit-parallel circuit evaluation (64 inputs per word, numba) against a per-input Python loop.

Run: .venv/bin/python benchmarks/bench_circuits.py [--inputs 16] [--gates 2000]
Prints the time of each and their ratio; also the exact-synthesis time per random 4-input function.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np

from speedprior.circuits.circuit import Circuit, Gate
from speedprior.circuits.evaluate import truth_tables
from speedprior.circuits.synthesis import Budget, minimum_size


def random_circuit(n: int, g: int, seed: int) -> Circuit:
    rng = np.random.default_rng(seed)
    gates = [Gate(int(rng.integers(1, 15)), (2 * int(rng.integers(1, 1 + n + i)), 2 * int(rng.integers(1, 1 + n + i))))
             for i in range(g)]
    return Circuit(n, tuple(gates), (2 * (n + g),), "full")


def naive_truth_table(circuit: Circuit) -> int:
    n, out = circuit.n_inputs, 0
    for i in range(1 << n):
        values = [0] + [(i >> j) & 1 for j in range(n)]
        for gate in circuit.gates:
            op, la, lb = gate.pair()
            values.append((op >> ((values[la >> 1] ^ (la & 1)) + 2 * (values[lb >> 1] ^ (lb & 1)))) & 1)
        out |= (values[circuit.outputs[0] >> 1] ^ (circuit.outputs[0] & 1)) << i
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", type=int, default=14)
    parser.add_argument("--gates", type=int, default=500)
    parser.add_argument("--functions", type=int, default=10)
    args = parser.parse_args()
    circuit = random_circuit(args.inputs, args.gates, 0)
    truth_tables(random_circuit(3, 3, 1))  # compile the kernels first
    start = time.perf_counter()
    fast = truth_tables(circuit)[0]
    t_fast = time.perf_counter() - start
    start = time.perf_counter()
    slow = naive_truth_table(circuit)
    t_slow = time.perf_counter() - start
    assert fast == slow
    print(f"evaluate {args.gates} gates on all 2^{args.inputs} inputs: bit-parallel {t_fast * 1e3:.2f} ms, "
          f"per-input Python {t_slow * 1e3:.0f} ms, ratio {t_slow / t_fast:,.0f}x")
    rng = random.Random(0)
    for basis in ("full", "xaig", "aig"):
        times, sizes = [], []
        for _ in range(args.functions):
            tt = rng.getrandbits(16)
            start = time.perf_counter()
            size, _ = minimum_size(tt, 4, basis, budget=Budget(seconds=None))  # measure, never cut short
            times.append(time.perf_counter() - start)
            sizes.append(size)
        print(f"minimal size, {basis}, {args.functions} random 4-input functions: median {np.median(times):.2f} s, "
              f"max {max(times):.2f} s, sizes {sorted(sizes)}")


if __name__ == "__main__":
    main()
