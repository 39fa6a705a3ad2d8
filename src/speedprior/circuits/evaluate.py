"""Evaluate circuits bit-parallel (64 inputs per word) and turn them into cost profiles."""

from __future__ import annotations

import numpy as np

from speedprior.circuits import _kernels
from speedprior.circuits.circuit import Circuit
from speedprior.errors import BudgetError, SpeedpriorError
from speedprior.measure.profile import CostProfile

MAX_EXHAUSTIVE_INPUTS = 26  # 2^26 inputs = 1 Mi words per node
MAX_SIMULATION_BYTES = 256 * 1024 * 1024  # node values held at once: nodes x words x 8 bytes


def simulation_bytes(circuit: Circuit, n_words: int) -> int:
    """Bytes `simulate` holds for this circuit on n_words words of inputs."""
    return circuit.n_nodes * n_words * 8


def _gate_arrays(circuit: Circuit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ops, fanin_a, fanin_b) as Gate.pair gives them: a one-input gate reads its fanin twice."""
    # one pass per array over plain attributes: on small circuits this, not the kernel, is the cost of a call
    gates = circuit.gates
    fanins = [gate.fanins for gate in gates]
    ops = np.fromiter([gate.op for gate in gates], dtype=np.int64, count=len(gates))
    fanin_a = np.fromiter([f[0] for f in fanins], dtype=np.int64, count=len(gates))
    fanin_b = np.fromiter([f[-1] for f in fanins], dtype=np.int64, count=len(gates))
    return ops, fanin_a, fanin_b


def input_words(n_inputs: int) -> np.ndarray:
    """uint64[n_inputs, words]: all 2^n input assignments, input index i has x_j = bit j of i."""
    if not 0 <= n_inputs <= MAX_EXHAUSTIVE_INPUTS:
        raise BudgetError(f"exhaustive evaluation takes 0..{MAX_EXHAUSTIVE_INPUTS} inputs, got {n_inputs}")
    n_words = max(1, (1 << n_inputs) // 64)
    return _kernels.all_input_words(n_inputs, n_words)


def simulate(circuit: Circuit, words: np.ndarray) -> np.ndarray:
    """uint64[nodes, words]: every node's value on the inputs packed in `words`."""
    words = np.ascontiguousarray(words, dtype=np.uint64)
    if words.ndim != 2 or words.shape[0] != circuit.n_inputs:
        raise SpeedpriorError(f"input words must have shape ({circuit.n_inputs}, n_words), got {words.shape}")
    if simulation_bytes(circuit, words.shape[1]) > MAX_SIMULATION_BYTES:
        raise BudgetError(f"simulating {circuit.n_nodes:,} nodes on {64 * words.shape[1]:,} inputs at once takes "
                          f"{simulation_bytes(circuit, words.shape[1]):,} bytes; the limit is "
                          f"{MAX_SIMULATION_BYTES:,}")
    return _kernels.simulate_words(words, *_gate_arrays(circuit))


def literal_words(values: np.ndarray, literal: int) -> np.ndarray:
    """The words of a literal: its node's words, complemented if the literal is."""
    row = values[literal >> 1]
    return ~row if literal & 1 else row.copy()


def output_words(circuit: Circuit) -> np.ndarray:
    """uint64[outputs, words]: every output on all 2^n inputs (bits past 2^n are junk when n < 6)."""
    if 0 <= circuit.n_inputs <= MAX_EXHAUSTIVE_INPUTS:  # refuse before allocating the input words
        n_words = max(1, (1 << circuit.n_inputs) // 64)
        if simulation_bytes(circuit, n_words) > MAX_SIMULATION_BYTES:
            raise BudgetError(f"simulating {circuit.n_nodes:,} nodes on all 2^{circuit.n_inputs} inputs takes "
                              f"{simulation_bytes(circuit, n_words):,} bytes; the limit is {MAX_SIMULATION_BYTES:,}")
    values = simulate(circuit, input_words(circuit.n_inputs))
    return np.stack([literal_words(values, lit) for lit in circuit.outputs]) if circuit.outputs else (
        np.zeros((0, values.shape[1]), dtype=np.uint64)
    )


def words_to_int(words: np.ndarray, n_bits: int) -> int:
    """A row of little-endian uint64 words as a Python int of n_bits bits."""
    value = int.from_bytes(np.ascontiguousarray(words, dtype="<u8").tobytes(), "little")
    return value & ((1 << n_bits) - 1)


def truth_tables(circuit: Circuit) -> list[int]:
    """Each output's truth table as an int: bit i is the output on input i."""
    n_bits = 1 << circuit.n_inputs
    return [words_to_int(row, n_bits) for row in output_words(circuit)]


def evaluate(circuit: Circuit, inputs) -> np.ndarray:
    """uint8[m, outputs]: the circuit on each row of `inputs` (uint8[m, n_inputs] of 0/1).

    Rows are simulated in chunks, so memory stays within MAX_SIMULATION_BYTES however many there are.
    """
    bits = np.asarray(inputs, dtype=np.uint8)
    if bits.ndim != 2 or bits.shape[1] != circuit.n_inputs:
        raise SpeedpriorError(f"inputs must have shape (m, {circuit.n_inputs}), got {bits.shape}")
    chunk = 64 * max(1, MAX_SIMULATION_BYTES // simulation_bytes(circuit, 1))
    results = [np.zeros((0, len(circuit.outputs)), dtype=np.uint8)]
    for start in range(0, bits.shape[0], chunk):
        rows = bits[start:start + chunk]
        values = simulate(circuit, _kernels.pack_rows(rows))
        outs = np.stack([literal_words(values, lit) for lit in circuit.outputs]) if circuit.outputs else (
            np.zeros((0, values.shape[1]), dtype=np.uint64)
        )
        results.append(_kernels.unpack_rows(outs, rows.shape[0]))
    return np.concatenate(results)


def profile(circuit: Circuit, measure: str = "size") -> CostProfile:
    """Cost profile over all 2^n inputs: a circuit spends its size (or depth) on every input.

    The verdict (`accepted`) is output 0 on each input, so priors and reports see both.
    """
    if measure not in ("size", "depth"):
        raise SpeedpriorError(f"circuit measure must be 'size' or 'depth', got {measure!r}")
    m = 1 << circuit.n_inputs
    cost = circuit.size if measure == "size" else circuit.depth
    accepted = None
    if circuit.outputs:
        accepted = _kernels.unpack_rows(output_words(circuit)[:1], m)[:, 0].astype(bool)
    keys = np.full(m, circuit.n_inputs, dtype=np.int64)
    return CostProfile(np.full(m, cost, dtype=np.int64), None, keys, None, accepted)


def family_profile(circuits: dict[int, Circuit], measure: str = "size") -> CostProfile:
    """Cost profile of a circuit family keyed by input length: one entry per circuit."""
    if measure not in ("size", "depth"):
        raise SpeedpriorError(f"circuit measure must be 'size' or 'depth', got {measure!r}")
    ns = sorted(circuits)
    costs = [circuits[n].size if measure == "size" else circuits[n].depth for n in ns]
    return CostProfile(np.array(costs, dtype=np.int64), None, np.array(ns, dtype=np.int64))


def output_depth_profile(circuit: Circuit) -> CostProfile:
    """Cost profile over the outputs: the depth of each, keyed by output index."""
    depths = np.array(circuit.output_depths, dtype=np.int64)
    return CostProfile(depths, None, np.arange(len(depths), dtype=np.int64))
