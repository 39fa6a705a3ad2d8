"""Naive twins for the tests: per-input evaluation and brute-force enumeration of chains.

Written independently of the package's kernels and SAT encoding: evaluation walks the gates
one input at a time; enumeration tries every chain and identifies a circuit by the truth
tables its gates compute.
"""

from __future__ import annotations

from itertools import combinations

AND_LIKE = (1, 2, 4, 8)
NONDEGENERATE = (1, 2, 4, 6, 7, 8, 9, 11, 13, 14)


def eval_one(circuit, bits) -> list[int]:
    """Outputs of the circuit on one input (a sequence of 0/1), gate by gate."""
    values = [0, *bits]
    for gate in circuit.gates:
        op, la, lb = gate.pair()
        a = values[la >> 1] ^ (la & 1)
        b = values[lb >> 1] ^ (lb & 1)
        values.append((op >> (a + 2 * b)) & 1)
    return [values[lit >> 1] ^ (lit & 1) for lit in circuit.outputs]


def truth_table(circuit, output: int = 0) -> int:
    n = circuit.n_inputs
    return sum(eval_one(circuit, [(i >> j) & 1 for j in range(n)])[output] << i for i in range(1 << n))


def _apply(op: int, u: int, v: int, rows: int) -> int:
    out = 0
    for t in range(rows):
        a, b = (u >> t) & 1, (v >> t) & 1
        out |= ((op >> (a + 2 * b)) & 1) << t
    return out


def projections(n: int) -> list[int]:
    return [sum(1 << t for t in range(1 << n) if (t >> i) & 1) for i in range(n)]


def gate_moves(basis: str, last: bool):
    """(op, arity) choices of a chain gate, in the package's normal forms."""
    if basis == "and-or-not":
        return [(8, 2), (14, 2), (5, 1)]
    if basis == "aig":
        return [(op, 2) for op in AND_LIKE + ((7, 11, 13, 14) if last else ())]
    if basis == "xaig":
        return [(op, 2) for op in AND_LIKE + (6,) + ((7, 11, 13, 14, 9) if last else ())]
    return [(op, 2) for op in NONDEGENERATE if last or not op & 1]


def _swap(op: int) -> int:
    return (op & 0b1001) | ((op & 0b0010) << 1) | ((op & 0b0100) >> 1)


def _key(value: int, op: int, u: int, v: int) -> tuple:
    """A gate by what it computes from what: fanins ordered by their truth tables."""
    return (value, op, u, v) if u <= v else (value, _swap(op), v, u)


def chains(f: int, n: int, r: int, basis: str):
    """Every r-gate chain computing f with all gates used and all node functions distinct.

    Yields each chain as a frozenset of (gate tt, op, fanin tts) - the circuit up to numbering.
    """
    rows = 1 << n
    mask = (1 << rows) - 1
    start = projections(n)

    def rec(nodes: list[int], gates: list[tuple], used: set[int]):
        i = len(gates)
        last = i == r - 1
        for op, arity in gate_moves(basis, last):
            pairs = combinations(range(len(nodes)), 2) if arity == 2 else ((j, j) for j in range(len(nodes)))
            for j, k in pairs:
                value = _apply(op, nodes[j], nodes[k], rows) & mask
                if value in nodes or (basis != "and-or-not" and (value ^ mask) in nodes):
                    continue
                key = _key(value, op, nodes[j], nodes[k]) if arity == 2 else (value, op, nodes[j])
                if last:
                    reads = used | {j, k}
                    if value == f and all(g in reads for g in range(n, len(nodes))):
                        yield frozenset(gates + [key])
                    continue
                yield from rec(nodes + [value], gates + [key], used | {j, k})

    if r == 0:
        return
    yield from rec(list(start), [], set())


def brute_minimal(f: int, n: int, basis: str, max_r: int) -> tuple[int, int] | None:
    """(minimal size, number of distinct minimal circuits) for non-trivial f, searching r <= max_r."""
    for r in range(1, max_r + 1):
        found = set(chains(f, n, r, basis))
        if found:
            return r, len(found)
    return None


def reachable_sizes(n: int, basis: str, max_r: int) -> dict[int, int]:
    """Minimal size of every function computable with <= max_r gates (any chain, all B2 ops in full)."""
    rows = 1 << n
    mask = (1 << rows) - 1
    free_not = basis in ("aig", "xaig")
    base = projections(n) + [0, mask]
    best = {f: 0 for f in base}
    if free_not:
        best.update({f ^ mask: 0 for f in base})
    if basis == "full":
        ops = [(op, 2) for op in range(16)] + [(5, 1)]
    else:
        ops = {"and-or-not": [(8, 2), (14, 2), (5, 1)], "aig": [(8, 2)], "xaig": [(8, 2), (6, 2)]}[basis]
    layer = {frozenset(base)}
    for r in range(1, max_r + 1):
        new_layer = set()
        for state in layer:
            lits = sorted(state | ({v ^ mask for v in state} if free_not else set()))
            for op, arity in ops:
                pairs = combinations(lits, 2) if arity == 2 else ((u, u) for u in lits)
                for u, v in pairs:
                    value = _apply(op, u, v, rows)
                    if value in state:
                        continue
                    best.setdefault(value, r)
                    if free_not:
                        best.setdefault(value ^ mask, r)
                    if r < max_r:
                        new_layer.add(state | {value})
        layer = new_layer
    return best
