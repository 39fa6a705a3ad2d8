"""Compile a Boolean circuit into an exact ReLU network: one hidden layer per circuit level.

Gate g at depth d becomes ReLU units of layer d. On Boolean a, b exactly one of

    u1 = relu(a + b - 1) = ab,   u2 = relu(a - b) = a(1 - b),   u3 = relu(b - a) = (1 - a)b

is 1 unless a = b = 0, so every two-input function is the affine readout
f(a, b) = f00 + (f11 - f00) u1 + (f10 - f00) u2 + (f01 - f00) u3; units with a zero coefficient are
left out (AND needs u1 only, XOR u2 and u3, OR all three). NOT is relu(1 - a), BUF relu(a). A node
needed at a later level is carried by a pass-through unit relu(v) = v. Readouts are affine, so they
fold into the next layer's weights: the network has exactly `circuit.depth` ReLU layers and a final
linear layer, and computes the circuit exactly (integer arithmetic in float64) on every input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from speedprior.circuits.circuit import NOT, Circuit, apply_op
from speedprior.errors import SpeedpriorError

AB, A_NOT_B, B_NOT_A = "ab", "a-not-b", "b-not-a"  # the three units a two-input gate may need


@dataclass
class ReLUNetwork:
    """Affine layers `weights[i] @ h + biases[i]`, ReLU after every layer but the last.

    `unit_gate[l][k]` is the gate index (into the compiled circuit) that hidden unit k of layer l
    serves, or -1 for a pass-through unit.
    """

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    unit_gate: list[list[int]] = field(default_factory=list)

    @property
    def depth(self) -> int:
        """Number of ReLU layers."""
        return len(self.weights) - 1

    @property
    def widths(self) -> list[int]:
        """Input width, every hidden width, output width."""
        return [self.weights[0].shape[1]] + [w.shape[0] for w in self.weights]

    def hidden(self, x: np.ndarray) -> list[np.ndarray]:
        """Post-ReLU activations of every hidden layer for inputs x (m, n_inputs)."""
        h, out = np.asarray(x, dtype=np.float64), []
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            h = np.maximum(h @ w.T + b, 0.0)
            out.append(h)
        return out

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Outputs (m, n_outputs) for inputs x (m, n_inputs)."""
        hidden = self.hidden(x)
        h = hidden[-1] if hidden else np.asarray(x, dtype=np.float64)
        return h @ self.weights[-1].T + self.biases[-1]


def _gate_units(op: int, arity: int) -> list[tuple[str, float]]:
    """(unit kind, readout coefficient) of the units a two-input gate needs; the constant f00 is added apart."""
    f00, f10, f01, f11 = (apply_op(op, a, b) for a, b in ((0, 0), (1, 0), (0, 1), (1, 1)))
    units = [(AB, f11 - f00), (A_NOT_B, f10 - f00), (B_NOT_A, f01 - f00)]
    return [(kind, float(c)) for kind, c in units if c != 0]


def compile_circuit(circuit: Circuit) -> ReLUNetwork:
    """The exact ReLU network of `circuit` (its reachable part): depth = circuit depth."""
    c = circuit.reachable()
    n, depths = c.n_inputs, c.node_depths
    depth = c.depth
    # last level at which each node is read (by a gate at that depth, or by the outputs at depth + 1)
    last_use = [-1] * c.n_nodes
    for index, gate in enumerate(c.gates):
        for lit in gate.fanins:
            last_use[lit >> 1] = max(last_use[lit >> 1], depths[c.gate_node(index)])
    for lit in c.outputs:
        last_use[lit >> 1] = depth + 1
    # readout[node] = (vector over the current layer's units, constant): the node's value
    readout: dict[int, tuple[np.ndarray, float]] = {0: (np.zeros(n), 0.0)}
    for i in range(n):
        e = np.zeros(n)
        e[i] = 1.0
        readout[i + 1] = (e, 0.0)
    width_in = n
    weights, biases, unit_gate = [], [], []

    def literal(lit: int) -> tuple[np.ndarray, float]:
        vec, const = readout[lit >> 1]
        return (-vec, 1.0 - const) if lit & 1 else (vec, const)

    for level in range(1, depth + 1):
        rows, bias, owners = [], [], []
        terms: dict[int, tuple[list[tuple[int, float]], float]] = {}  # node -> (unit, coefficient)s, constant

        def add_unit(vec: np.ndarray, const: float, owner: int, rows=rows, bias=bias, owners=owners) -> int:
            rows.append(vec)
            bias.append(const)
            owners.append(owner)
            return len(rows) - 1

        for node in range(1, c.n_nodes):  # pass-throughs first, then this level's gates
            if depths[node] < level and last_use[node] > level:
                terms[node] = ([(add_unit(*readout[node], -1), 1.0)], 0.0)
        for index, gate in enumerate(c.gates):
            node = c.gate_node(index)
            if depths[node] != level:
                continue
            va, ca = literal(gate.fanins[0])
            vb, cb = literal(gate.fanins[-1])
            if gate.arity == 1:  # the unit is the value: relu(1 - a) for NOT, relu(a) for BUF
                unit = add_unit(-va, 1.0 - ca, index) if gate.op == NOT else add_unit(va, ca, index)
                terms[node] = ([(unit, 1.0)], 0.0)
                continue
            pre = {AB: (va + vb, ca + cb - 1.0), A_NOT_B: (va - vb, ca - cb), B_NOT_A: (vb - va, cb - ca)}
            units = [(add_unit(*pre[kind], index), coef) for kind, coef in _gate_units(gate.op, gate.arity)]
            terms[node] = (units, float(apply_op(gate.op, 0, 0)))
        width = len(rows)
        weights.append(np.array(rows, dtype=np.float64).reshape(width, width_in))
        biases.append(np.array(bias, dtype=np.float64))
        unit_gate.append(owners)
        readout = {0: (np.zeros(width), 0.0)}
        for node, (units, const) in terms.items():
            vec = np.zeros(width)
            for unit, coef in units:
                vec[unit] += coef
            readout[node] = (vec, const)
        width_in = width
    out_rows, out_bias = [], []
    for lit in c.outputs:
        vec, const = literal(lit)
        out_rows.append(vec)
        out_bias.append(const)
    weights.append(np.array(out_rows, dtype=np.float64).reshape(len(c.outputs), width_in))
    biases.append(np.array(out_bias, dtype=np.float64))
    return ReLUNetwork(weights, biases, unit_gate)


def all_inputs(n_inputs: int) -> np.ndarray:
    """Every input row (2^n, n) as 0/1, row i holding the bits of i (x_j = bit j of i)."""
    if not 0 <= n_inputs <= 20:
        raise SpeedpriorError(f"n_inputs must be in 0..20 to enumerate every input, got {n_inputs}")
    rows = np.arange(1 << n_inputs)
    return ((rows[:, None] >> np.arange(n_inputs)[None, :]) & 1).astype(np.uint8)


def check_compiled(circuit: Circuit, network: ReLUNetwork) -> int:
    """Compare the network with the circuit on every input; return the number of rows checked.

    Raises SpeedpriorError naming the first input where they differ or a depth that is not the circuit's.
    """
    from speedprior.circuits.evaluate import evaluate

    if network.depth != circuit.reachable().depth:
        raise SpeedpriorError(f"network depth {network.depth} != circuit depth {circuit.reachable().depth}")
    x = all_inputs(circuit.n_inputs)
    want = evaluate(circuit, x).astype(np.float64)
    got = network(x)
    wrong = np.flatnonzero(np.any(got != want, axis=1))
    if len(wrong):
        raise SpeedpriorError(f"compiled network differs from the circuit on input {x[wrong[0]].tolist()}: "
                              f"{got[wrong[0]].tolist()} != {want[wrong[0]].tolist()}")
    return len(x)
