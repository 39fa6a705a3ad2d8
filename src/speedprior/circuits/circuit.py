"""Boolean circuits as DAGs of gates over a basis, with size and depth.

Nodes are numbered as in AIGER: node 0 is the constant FALSE, nodes 1..n are the inputs and
nodes n+1.. are the gates in topological order. An edge is a *literal* `2*node + c`, where
c = 1 complements it, so literal 0 is FALSE and literal 1 is TRUE.

Every gate is a Boolean function of one or two literals, stored as a 4-bit truth table `op`
over (a, b) with bit `a + 2*b` holding op(a, b). A one-input gate (NOT, BUF) reads its
single fanin as both a and b.

Bases (which gates are allowed and whether negation is free):

    and-or-not  AND, OR (two inputs) and NOT (one input); no complemented edges; NOT is a gate
    aig         two-input AND only; complemented edges and outputs are free
    xaig        AND and XOR; complemented edges and outputs are free
    full        every Boolean function of <= 2 inputs is one gate (the B2 basis); no free negation
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from speedprior.errors import ParseError, UnknownNameError

AND, OR, XOR, NAND, NOR, XNOR = 8, 14, 6, 7, 1, 9
NOT, BUF = 5, 10  # as one-input gates: op(a, a)

BASES = ("and-or-not", "aig", "xaig", "full")
OP_NAMES = {AND: "AND", OR: "OR", XOR: "XOR", NAND: "NAND", NOR: "NOR", XNOR: "XNOR"}
UNARY_NAMES = {NOT: "NOT", BUF: "BUF"}


def op_name(op: int, arity: int) -> str:
    """Printable name of a gate function: AND, OR, ..., or F<hex> for the other B2 functions."""
    if arity == 1:
        return UNARY_NAMES[op]
    return OP_NAMES.get(op, f"F{op:X}")


def apply_op(op: int, a: int, b: int) -> int:
    """op(a, b) for bits a, b."""
    return (op >> (a + 2 * b)) & 1


def swap_op(op: int) -> int:
    """The truth table of op with its two inputs exchanged: swap_op(op)(a, b) = op(b, a)."""
    return (op & 0b1001) | ((op & 0b0010) << 1) | ((op & 0b0100) >> 1)


def negate_fanin(op: int, which: int) -> int:
    """The truth table of op with fanin `which` (0 = a, 1 = b) complemented."""
    return sum(apply_op(op, a ^ (which == 0), b ^ (which == 1)) << (a + 2 * b) for a in (0, 1) for b in (0, 1))


def absorb_negations(n_inputs: int, gates: Sequence[Gate], outputs: Sequence[int]) -> tuple[tuple, tuple]:
    """Fold complemented edges into B2 gate functions; a complemented output gets a NOT gate."""
    new_gates = []
    for gate in gates:
        op, fanins = gate.op, list(gate.fanins)
        for k, lit in enumerate(fanins):
            if lit & 1 and lit > 1:
                fanins[k] = lit ^ 1
                op = (NOT if op == BUF else BUF) if gate.arity == 1 else negate_fanin(op, k)
        new_gates.append(Gate(op, tuple(fanins)))
    new_outputs = []
    for lit in outputs:
        if lit & 1 and lit > 1:
            new_gates.append(Gate(NOT, (lit ^ 1,)))
            lit = 2 * (n_inputs + len(new_gates))
        new_outputs.append(lit)
    return tuple(new_gates), tuple(new_outputs)


def check_basis_name(basis: str) -> str:
    """Return the basis name, or raise UnknownNameError listing the known bases."""
    if basis not in BASES:
        raise UnknownNameError(f"unknown basis {basis!r}; known bases: {', '.join(BASES)}")
    return basis


@dataclass(frozen=True)
class Gate:
    """A gate: a function `op` (4-bit truth table) of one or two fanin literals."""

    op: int
    fanins: tuple[int, ...]

    def __post_init__(self):
        if len(self.fanins) not in (1, 2):
            raise ParseError(f"a gate has one or two fanins, got {len(self.fanins)}")
        if len(self.fanins) == 1 and self.op not in UNARY_NAMES:
            raise ParseError(f"one-input gate must be NOT or BUF, got op {self.op}")
        if not 0 <= self.op < 16:
            raise ParseError(f"gate op must be a 4-bit truth table, got {self.op}")

    @property
    def arity(self) -> int:
        return len(self.fanins)

    @property
    def name(self) -> str:
        return op_name(self.op, self.arity)

    def pair(self) -> tuple[int, int, int]:
        """(op, a, b) as a two-input gate: a one-input gate reads its fanin twice."""
        a = self.fanins[0]
        b = self.fanins[1] if self.arity == 2 else a
        return self.op, a, b


@dataclass(frozen=True)
class Circuit:
    """A combinational circuit: inputs, gates in topological order and output literals."""

    n_inputs: int
    gates: tuple[Gate, ...]
    outputs: tuple[int, ...]
    basis: str = "full"
    input_names: tuple[str, ...] = field(default=None)  # type: ignore[assignment]
    output_names: tuple[str, ...] = field(default=None)  # type: ignore[assignment]

    def __post_init__(self):
        check_basis_name(self.basis)
        object.__setattr__(self, "gates", tuple(self.gates))
        object.__setattr__(self, "outputs", tuple(int(o) for o in self.outputs))
        if self.input_names is None:
            object.__setattr__(self, "input_names", tuple(f"x{i}" for i in range(self.n_inputs)))
        if self.output_names is None:
            object.__setattr__(self, "output_names", tuple(f"y{i}" for i in range(len(self.outputs))))
        if len(self.input_names) != self.n_inputs or len(self.output_names) != len(self.outputs):
            raise ParseError("names do not match the numbers of inputs and outputs")
        for index, gate in enumerate(self.gates):
            node = self.n_inputs + 1 + index
            for lit in gate.fanins:
                if not 0 <= lit >> 1 < node:
                    raise ParseError(f"gate {index} reads node {lit >> 1}, which is not before it (cycle?)")
        for lit in self.outputs:
            if not 0 <= lit >> 1 < self.n_nodes:
                raise ParseError(f"output literal {lit} refers to no node")
        check_in_basis(self, self.basis)

    @property
    def n_nodes(self) -> int:
        """Constant node + inputs + gates."""
        return 1 + self.n_inputs + len(self.gates)

    @property
    def size(self) -> int:
        """Number of gates (negations on edges are free and not counted)."""
        return len(self.gates)

    @cached_property
    def node_depths(self) -> tuple[int, ...]:
        """Depth of every node: 0 for constants and inputs, 1 + deepest fanin for a gate."""
        depths = [0] * self.n_nodes
        for index, gate in enumerate(self.gates):
            depths[self.n_inputs + 1 + index] = 1 + max(depths[lit >> 1] for lit in gate.fanins)
        return tuple(depths)

    @property
    def output_depths(self) -> tuple[int, ...]:
        """Depth of each output: the longest input-to-output path, counted in gates."""
        return tuple(self.node_depths[lit >> 1] for lit in self.outputs)

    @property
    def depth(self) -> int:
        """Longest input-to-output path in gates (0 for a circuit with no gates on any output)."""
        return max(self.output_depths, default=0)

    def gate_node(self, index: int) -> int:
        """The node number of gate `index`."""
        return self.n_inputs + 1 + index

    def reachable(self) -> Circuit:
        """The same circuit without gates that no output depends on."""
        needed = [False] * self.n_nodes
        for lit in self.outputs:
            needed[lit >> 1] = True
        for index in range(len(self.gates) - 1, -1, -1):
            if needed[self.gate_node(index)]:
                for lit in self.gates[index].fanins:
                    needed[lit >> 1] = True
        renumber = list(range(self.n_inputs + 1))
        kept = []
        for index, gate in enumerate(self.gates):
            if needed[self.gate_node(index)]:
                fanins = tuple(2 * renumber[lit >> 1] + (lit & 1) for lit in gate.fanins)
                kept.append(Gate(gate.op, fanins))
                renumber.append(self.n_inputs + len(kept))
            else:
                renumber.append(-1)
        outputs = tuple(2 * renumber[lit >> 1] + (lit & 1) for lit in self.outputs)
        return Circuit(self.n_inputs, tuple(kept), outputs, self.basis, self.input_names, self.output_names)

    def truth_tables(self) -> list[int]:
        """Each output's truth table as an int, bit i = output on input i (x_j = bit j of i)."""
        from speedprior.circuits.evaluate import truth_tables

        return truth_tables(self)

    def __str__(self) -> str:
        from speedprior.circuits.formats import to_text

        return to_text(self)


def check_in_basis(circuit: Circuit, basis: str) -> None:
    """Raise ParseError naming the first gate or edge that the basis does not allow."""
    free_negation = basis in ("aig", "xaig")
    for index, gate in enumerate(circuit.gates):
        if basis == "and-or-not":
            allowed = gate.op in (AND, OR) if gate.arity == 2 else gate.op == NOT
        elif basis == "aig":
            allowed = gate.arity == 2 and gate.op == AND
        elif basis == "xaig":
            allowed = gate.arity == 2 and gate.op in (AND, XOR)
        else:
            allowed = True
        if not allowed:
            raise ParseError(f"gate {index} ({gate.name}) is not in basis {basis!r}")
        if not free_negation and any(lit & 1 for lit in gate.fanins if lit > 1):
            raise ParseError(f"gate {index} has a complemented input, which basis {basis!r} does not allow")
    if not free_negation and any(lit & 1 for lit in circuit.outputs if lit > 1):
        raise ParseError(f"a complemented output is not allowed in basis {basis!r}")


def infer_basis(gates: Sequence[Gate], outputs: Sequence[int], n_inputs: int) -> str:
    """The first basis of aig, xaig, and-or-not, full that admits these gates."""
    probe = Circuit.__new__(Circuit)
    object.__setattr__(probe, "gates", tuple(gates))
    object.__setattr__(probe, "outputs", tuple(outputs))
    object.__setattr__(probe, "n_inputs", n_inputs)
    for basis in ("aig", "xaig", "and-or-not"):
        try:
            check_in_basis(probe, basis)
            return basis
        except ParseError:
            continue
    return "full"
