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
    """Topologically order the gates (depth-first), resolve names to literals, build the Circuit."""
    by_name: dict[str, GateDef] = {}
    for name in inputs:
        if name in by_name or inputs.count(name) > 1 or name in CONST_NAMES:
            raise ParseError(f"{source}: input name {name!r} is repeated or reserved")
    for gate in gates:
        if gate.name in by_name or gate.name in inputs or gate.name in CONST_NAMES:
            raise ParseError(f"{source}: line {gate.line}: signal {gate.name!r} is defined twice")
        by_name[gate.name] = gate
    node_of = {name: 1 + i for i, name in enumerate(inputs)}
    ordered: list[GateDef] = []
    state: dict[str, int] = {}  # 1 = on the DFS stack, 2 = done

    def literal(ref: Ref, reader: str) -> int:
        if ref.name in CONST_NAMES:
            return CONST_NAMES[ref.name] ^ int(ref.negated)
        if ref.name not in node_of:
            if ref.name not in by_name:
                raise ParseError(f"{source}: {reader} reads undefined signal {ref.name!r}")
            visit(ref.name)
        return 2 * node_of[ref.name] + int(ref.negated)

    def visit(name: str) -> None:
        # iterative DFS would be longer; circuits read from files are small enough to recurse
        if state.get(name) == 1:
            raise ParseError(f"{source}: cyclic circuit: signal {name!r} depends on itself")
        state[name] = 1
        gate = by_name[name]
        for ref in gate.fanins:
            literal(ref, f"line {gate.line}")
        state[name] = 2
        ordered.append(gate)
        node_of[name] = len(inputs) + len(ordered)

    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * len(gates) + 1000))
    try:
        for gate in gates:  # in file order, so a topologically ordered file keeps its numbering
            if gate.name not in node_of:
                visit(gate.name)
        out_lits = [literal(ref, "outputs") for ref in outputs]
    finally:
        sys.setrecursionlimit(limit)
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
