"""Random circuits in each basis, drawn from a seed: the programs the compiled networks come from."""

from __future__ import annotations

import numpy as np

from speedprior.circuits.circuit import AND, BASES, NOT, OR, XOR, Circuit, Gate, absorb_negations, op_name
from speedprior.errors import ConfigError

FULL_OPS = (1, 2, 4, 6, 7, 8, 9, 11, 13, 14)  # the ten two-input functions that read both inputs
# gate types an interpreter predicts: the effective function of a gate once free negations are folded in
GATE_TYPES = tuple(sorted({op_name(op, 2) for op in FULL_OPS} | {"NOT", "BUF"}))


def random_circuit(n_inputs: int, n_gates: int, n_outputs: int, basis: str, rng: np.random.Generator) -> Circuit:
    """A circuit of `n_gates` gates of `basis`, each reading two distinct earlier nodes (NOT one); the outputs
    are the last `n_outputs` gates, so most gates are reachable. Complemented edges only where the basis is free."""
    if basis not in BASES:
        raise ConfigError(f"unknown basis {basis!r}; known bases: {', '.join(BASES)}")
    if n_inputs < 2 or n_gates < n_outputs or n_outputs < 1:
        raise ConfigError(f"need n_inputs >= 2 and n_gates >= n_outputs >= 1, got {n_inputs}, {n_gates}, {n_outputs}")
    free = basis in ("aig", "xaig")
    gates = []
    for index in range(n_gates):
        nodes = n_inputs + index  # inputs and earlier gates (the constant node is never read)
        a, b = rng.choice(nodes, size=2, replace=False) + 1
        la, lb = 2 * int(a) + (free and rng.random() < 0.5), 2 * int(b) + (free and rng.random() < 0.5)
        if basis == "and-or-not":
            kind = rng.integers(3)
            gates.append(Gate(NOT, (la,)) if kind == 2 else Gate((AND, OR)[kind], (la, lb)))
        elif basis == "aig":
            gates.append(Gate(AND, (la, lb)))
        elif basis == "xaig":
            gates.append(Gate((AND, XOR)[rng.integers(2)], (la, lb)))
        else:
            op = int(rng.choice(FULL_OPS + (NOT,)))
            gates.append(Gate(NOT, (la,)) if op == NOT else Gate(op, (la, lb)))
    first = n_inputs + n_gates - n_outputs + 1
    outputs = [2 * node + (free and rng.random() < 0.5) for node in range(first, first + n_outputs)]
    return Circuit(n_inputs, tuple(gates), tuple(outputs), basis).reachable()


def effective_circuit(circuit: Circuit) -> Circuit:
    """The same circuit in the full basis, complemented edges folded into the gates (what a network sees)."""
    gates, outputs = absorb_negations(circuit.n_inputs, circuit.gates, circuit.outputs)
    return Circuit(circuit.n_inputs, gates, outputs, "full")


def gate_type_counts(circuit: Circuit) -> np.ndarray:
    """Counts (depth, len(GATE_TYPES)): how many gates of each effective type sit at each depth 1..depth."""
    c = effective_circuit(circuit)
    counts = np.zeros((circuit.depth, len(GATE_TYPES)), dtype=np.int64)
    # only the circuit's own gates: a complemented output's NOT is folded into the network's readout
    for index, gate in enumerate(c.gates[: len(circuit.gates)]):
        counts[c.node_depths[c.gate_node(index)] - 1, GATE_TYPES.index(gate.name)] += 1
    return counts
