"""Bit-parallel circuit evaluation (`truth_tables`: numba, 64 inputs per word) against a plain C loop, on this CPU.

Compiles benchmarks/circuit_reference.c with the system compiler (`cc -O2`; skipped with a
message where there is none), the same evaluation in the obvious C: gate by gate, a row of
uint64 words per node. Times, as the fastest of --repeats runs each, on one thread each side:
- one random circuit of --inputs inputs and --gates gates on all 2^inputs inputs (at 20 inputs
  and 2,000 gates the table of node values is 265 MB, so memory traffic sets the pace);
- --circuits random circuits of --small-inputs inputs and --small-gates gates, one call each
  (their node values fit in cache, and the per-call cost of turning gates into arrays counts).
The kernel time is `truth_tables(circuit)` as users call it (gates to arrays, input words,
simulation, truth tables as Python ints); the C time is its input words, simulation and output
words, the circuits read beforehand. Both are CPU time of their process (time.process_time; the
C loop clock_gettime(CLOCK_PROCESS_CPUTIME_ID)), so on a shared machine the time given to other
processes is not counted. Checks that C and `truth_tables` give the same tables (also on small
circuits with complemented edges and outputs, constants and one-input gates), then prints the CPU
model, the times, their spread over the repeats and the ratio kernel time / C time.
Target: ratio <= 1.5.
Secondary lines: a per-input Python loop on a smaller circuit, and exact synthesis times.

    .venv/bin/python benchmarks/bench_circuits.py [--inputs 20] [--gates 2000] [--functions 10]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time

import numpy as np
from timing import compile_c, cpu_model, spread

from speedprior.circuits.circuit import AND, BUF, NOT, XOR, Circuit, Gate
from speedprior.circuits.evaluate import truth_tables
from speedprior.circuits.synthesis import Budget, minimum_size

TARGET = 1.5


def random_circuit(n: int, g: int, seed: int) -> Circuit:
    """A `full`-basis circuit of g random two-input gates over random earlier nodes; the last gate is the output."""
    rng = np.random.default_rng(seed)
    ops = rng.integers(1, 15, g)  # never constant 0 or 1
    nodes = 1 + n + np.arange(g)  # gate i reads nodes 1 .. n + i
    fanin_a, fanin_b = 2 * rng.integers(1, nodes), 2 * rng.integers(1, nodes)
    gates = [Gate(int(op), (int(a), int(b))) for op, a, b in zip(ops, fanin_a, fanin_b, strict=True)]
    return Circuit(n, tuple(gates), (2 * (n + g),), "full")


def random_xaig(n: int, g: int, seed: int) -> Circuit:
    """An xaig circuit with complemented edges, constants among the fanins and three outputs, two complemented."""
    rng = np.random.default_rng(seed)
    gates = [Gate(AND if rng.integers(2) else XOR, tuple(int(rng.integers(0, 2 * (1 + n + i))) for _ in range(2)))
             for i in range(g)]
    top = 2 * (n + g)
    return Circuit(n, tuple(gates), (top + 1, top - 2, 3), "xaig")


def random_with_unary(n: int, g: int, seed: int) -> Circuit:
    """A `full`-basis circuit mixing NOT and BUF gates with all 16 two-input functions, constants among them."""
    rng = np.random.default_rng(seed)
    gates = []
    for i in range(g):
        a, b = (2 * int(rng.integers(0, 1 + n + i)) for _ in range(2))
        unary = rng.integers(4) == 0
        gates.append(Gate(int(rng.choice([NOT, BUF])), (a,)) if unary else Gate(int(rng.integers(16)), (a, b)))
    return Circuit(n, tuple(gates), (2 * (n + g), 2 * (n + g // 2), 0), "full")


def naive_truth_table(circuit: Circuit) -> int:
    """Output 0's truth table, one input at a time in Python."""
    n, out = circuit.n_inputs, 0
    for i in range(1 << n):
        values = [0] + [(i >> j) & 1 for j in range(n)]
        for gate in circuit.gates:
            op, la, lb = gate.pair()
            values.append((op >> ((values[la >> 1] ^ (la & 1)) + 2 * (values[lb >> 1] ^ (lb & 1)))) & 1)
        out |= (values[circuit.outputs[0] >> 1] ^ (circuit.outputs[0] & 1)) << i
    return out


def c_truth_tables(binary: str, circuits: list[Circuit], repeats: int) -> tuple[list[list[int]], float]:
    """(each circuit's truth tables, fastest CPU seconds of the whole set) from circuit_reference.c."""
    lines = [f"{len(circuits)} {repeats}"]
    for circuit in circuits:
        lines.append(f"{circuit.n_inputs} {circuit.size} {len(circuit.outputs)}")
        lines.extend(" ".join(str(x) for x in gate.pair()) for gate in circuit.gates)
        lines.append(" ".join(str(lit) for lit in circuit.outputs))
    out = subprocess.run([binary], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
    rows = out.stdout.split("\n")
    tables, at = [], 0
    for circuit in circuits:
        mask = (1 << (1 << circuit.n_inputs)) - 1
        tables.append([_words_hex_to_int(row) & mask for row in rows[at:at + len(circuit.outputs)]])
        at += len(circuit.outputs)
    return tables, float(rows[at])


def _words_hex_to_int(row: str) -> int:
    """The C reference's row of 16-digit hex words, word 0 first, as one int with word 0 lowest."""
    words = np.frombuffer(bytes.fromhex(row), dtype=">u8")
    return int.from_bytes(words.astype("<u8").tobytes(), "little")


def compare(label: str, circuits: list[Circuit], binary: str | None, repeats: int) -> None:
    """Time `truth_tables` over `circuits` (and the C loop, when compiled), check they agree, print the ratio."""
    fast, slow, ours = spread(repeats, lambda: [truth_tables(c) for c in circuits])
    print(f"{label}\n  kernel (truth_tables)  {fast:8.3f} s CPU (slowest of {repeats}: {slow:.3f} s)")
    if binary is None:
        return
    theirs, c_time = c_truth_tables(binary, circuits, repeats)
    if theirs != ours:
        raise SystemExit("circuit_reference.c and truth_tables disagree")
    print(f"  plain C loop (cc -O2)  {c_time:8.3f} s CPU (same tables)\n"
          f"  ratio kernel / C       {fast / c_time:8.2f}   (target <= {TARGET})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", type=int, default=20)
    parser.add_argument("--gates", type=int, default=2000)
    parser.add_argument("--circuits", type=int, default=500)
    parser.add_argument("--small-inputs", type=int, default=14)
    parser.add_argument("--small-gates", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--naive-inputs", type=int, default=14)
    parser.add_argument("--naive-gates", type=int, default=500)
    parser.add_argument("--functions", type=int, default=10)
    args = parser.parse_args()
    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical cores; everything below runs on one)")
    truth_tables(random_circuit(3, 3, 1))  # compile the kernels first
    big = [random_circuit(args.inputs, args.gates, 0)]
    small = [random_circuit(args.small_inputs, args.small_gates, seed) for seed in range(1, 1 + args.circuits)]
    with tempfile.TemporaryDirectory() as folder:
        binary = compile_c("circuit_reference.c", folder)
        if binary is None:
            print("no C compiler (cc, gcc or clang) found: skipping the plain C loop and the ratio")
        else:
            check = [make(n, 60, seed) for seed, n in enumerate((0, 1, 5, 6, 7, 9))
                     for make in (random_xaig, random_with_unary)]
            if c_truth_tables(binary, check, 1)[0] != [truth_tables(c) for c in check]:
                raise SystemExit("circuit_reference.c and truth_tables disagree on the check circuits")
        compare(f"one circuit, {args.gates:,} gates on all 2^{args.inputs} inputs", big, binary, args.repeats)
        compare(f"{args.circuits} circuits, {args.small_gates:,} gates each on all 2^{args.small_inputs} inputs",
                small, binary, args.repeats)

    naive = random_circuit(args.naive_inputs, args.naive_gates, 0)
    start = time.process_time()
    slow = naive_truth_table(naive)
    t_slow = time.process_time() - start
    t_fast, _, fast = spread(args.repeats, lambda: truth_tables(naive)[0])
    assert fast == slow
    print(f"secondary: {args.naive_gates} gates on all 2^{args.naive_inputs} inputs, per-input Python loop "
          f"{t_slow:.2f} s CPU, {t_slow / t_fast:,.0f}x the kernel")
    rng = random.Random(0)
    for basis in ("full", "xaig", "aig"):
        times, sizes = [], []
        for _ in range(args.functions):
            tt = rng.getrandbits(16)
            start = time.perf_counter()
            size, _ = minimum_size(tt, 4, basis, budget=Budget(seconds=None))  # measure, never cut short
            times.append(time.perf_counter() - start)
            sizes.append(size)
        if times:
            print(f"minimal size, {basis}, {args.functions} random 4-input functions: median "
                  f"{np.median(times):.2f} s wall, max {max(times):.2f} s, sizes {sorted(sizes)}")


if __name__ == "__main__":
    main()
