"""Build a Circuit from named gate definitions listed in any order, rejecting cycles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from speedprior.circuits.circuit import Circuit, Gate, absorb_negations, infer_basis
from speedprior.errors import ParseError

CONST_NAMES = {"0": 0, "1": 1}


@dataclass(frozen=True)
class Ref:
    """A reference to a named signal, possibly complemented."""

    name: str
    negated: bool = False


@dataclass(frozen=True)
class GateDef:
    """A named gate as read from a file: its function and its fanin references."""

    name: str
    op: int
    fanins: tuple[Ref, ...]
    line: int = 0


def build_circuit(
    inputs: Sequence[str],
    gates: Sequence[GateDef],
    outputs: Sequence[Ref],
    basis: str | None = None,
    output_names: Sequence[str] | None = None,
    source: str = "circuit",
) -> Circuit:
    """Order the gates topologically (iterative depth-first search), resolve names, build the Circuit."""
    by_name: dict[str, GateDef] = {}
    input_set: set[str] = set()
    for name in inputs:
        if name in input_set or name in CONST_NAMES:
            raise ParseError(f"{source}: input name {name!r} is repeated or reserved")
        input_set.add(name)
    for gate in gates:
        if gate.name in by_name or gate.name in input_set or gate.name in CONST_NAMES:
            raise ParseError(f"{source}: line {gate.line}: signal {gate.name!r} is defined twice")
        by_name[gate.name] = gate
    node_of = {name: 1 + i for i, name in enumerate(inputs)}
    ordered: list[GateDef] = []
    on_stack: set[str] = set()

    def check_defined(ref: Ref, reader: str) -> None:
        if ref.name not in CONST_NAMES and ref.name not in node_of and ref.name not in by_name:
            raise ParseError(f"{source}: {reader} reads undefined signal {ref.name!r}")

    def visit(root: str) -> None:
        # An explicit stack, not recursion: a chain of a million gates must not overflow the C stack.
        stack = [(root, 0)]
        on_stack.add(root)
        while stack:
            name, next_fanin = stack[-1]
            gate = by_name[name]
            if next_fanin < len(gate.fanins):
                stack[-1] = (name, next_fanin + 1)
                ref = gate.fanins[next_fanin]
                check_defined(ref, f"line {gate.line}")
                if ref.name in CONST_NAMES or ref.name in node_of:
                    continue
                if ref.name in on_stack:
                    raise ParseError(f"{source}: line {gate.line}: cyclic circuit: signal {ref.name!r} "
                                     "depends on itself")
                on_stack.add(ref.name)
                stack.append((ref.name, 0))
                continue
            stack.pop()
            on_stack.discard(name)
            ordered.append(gate)
            node_of[name] = len(inputs) + len(ordered)

    for gate in gates:  # in file order, so a topologically ordered file keeps its numbering
        if gate.name not in node_of:
            visit(gate.name)
    for ref in outputs:
        check_defined(ref, "outputs")
    out_lits = [CONST_NAMES[ref.name] ^ int(ref.negated) if ref.name in CONST_NAMES
                else 2 * node_of[ref.name] + int(ref.negated) for ref in outputs]
    built = [Gate(g.op, tuple(2 * node_of[r.name] + int(r.negated) if r.name not in CONST_NAMES
                              else CONST_NAMES[r.name] ^ int(r.negated) for r in g.fanins)) for g in ordered]
    if basis is None:
        basis = infer_basis(built, out_lits, len(inputs))
    if basis == "full":  # B2 has no free negation: a complemented edge is part of the gate it enters
        built, out_lits = absorb_negations(len(inputs), built, out_lits)
    try:
        return Circuit(len(inputs), tuple(built), tuple(out_lits), basis, tuple(inputs),
                       None if output_names is None else tuple(output_names))
    except ParseError as error:
        raise ParseError(f"{source}: {error}") from None
