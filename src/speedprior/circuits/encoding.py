"""SAT encoding of "a chain of r gates computes f" (Knuth 7.1.2 / Kulikov-style), with depth bounds.

A chain over n inputs has nodes 0..n-1 (inputs) and n..n+r-1 (gates, in topological order);
the last gate is the output. Variables: one selection variable per possible fanin pair of each
gate (plus single fanins for NOT in and-or-not), four function bits per gate, the gate's value
on every truth-table row, and optionally unary depth counters.

Per basis the gate functions are restricted so that each circuit has exactly one chain form:
internal gates of aig/xaig are positive AND (any input polarity) or XOR of positive inputs,
because a consumer takes the complement of a node for free; in `full` internal gates are
normal (f(0,0) = 0), since complementing a gate can be folded into its consumers. The output
gate takes any allowed function (this is where a complemented output shows up).
"""

from __future__ import annotations

from itertools import combinations

from pysat.card import CardEnc, EncType
from pysat.formula import IDPool

from speedprior.circuits.circuit import AND, NOT, OR, XOR, Circuit, Gate

_AND_LIKE = (1, 2, 4, 8)  # AND of the two inputs, each maybe complemented
_NONDEGENERATE = (1, 2, 4, 6, 7, 8, 9, 11, 13, 14)


def allowed_ops(basis: str, last: bool) -> tuple[int, ...]:
    """Two-input gate functions a chain gate may take in `basis` (internal or output gate)."""
    if basis == "and-or-not":
        return (AND, OR)
    if basis == "aig":
        return _AND_LIKE + ((7, 11, 13, 14) if last else ())
    if basis == "xaig":
        return _AND_LIKE + (XOR,) + ((7, 11, 13, 14, 9) if last else ())
    return _NONDEGENERATE if last else tuple(op for op in _NONDEGENERATE if not op & 1)


class ChainEncoding:
    """The CNF for an r-gate chain computing truth table `tt` of n inputs, optional depth <= D."""

    def __init__(self, tt: int, n: int, r: int, basis: str, depth: int | None = None,
                 symmetry: bool = True, all_used: bool = True):
        self.tt, self.n, self.r, self.basis, self.depth = tt, n, r, basis, depth
        self.rows = 1 << n
        self.pool = IDPool()
        self.clauses: list[list[int]] = []
        self.sel: list[dict[tuple[int, ...], int]] = []
        self.f = [[self.pool.id(("f", i, p)) for p in range(4)] for i in range(r)]
        self.x = [[self.pool.id(("x", i, t)) for t in range(self.rows)] for i in range(r)]
        for i in range(r):
            self._gate(i)
        for t in range(self.rows):
            self.clauses.append([self.x[r - 1][t] if (tt >> t) & 1 else -self.x[r - 1][t]])
        if all_used:
            self._all_used()
        if symmetry:
            self._colex()
            self._distinct_nodes()
        if depth is not None:
            self._depth(depth)

    def _value(self, node: int, t: int, bit: int) -> int | bool:
        """A literal saying 'node != bit on row t', or True/False when node is an input."""
        if node < self.n:
            return ((t >> node) & 1) != bit
        var = self.x[node - self.n][t]
        return var if bit == 0 else -var

    def _gate(self, i: int) -> None:
        node = self.n + i
        sel: dict[tuple[int, ...], int] = {}
        for j, k in combinations(range(node), 2):
            sel[(j, k)] = self.pool.id(("s", i, j, k))
        unary = []
        if self.basis == "and-or-not":
            for j in range(node):
                sel[(j,)] = self.pool.id(("u", i, j))
                unary.append(sel[(j,)])
        self.sel.append(sel)
        enc = CardEnc.equals(lits=list(sel.values()), bound=1, vpool=self.pool, encoding=EncType.seqcounter)
        self.clauses.extend(enc.clauses)
        f, x = self.f[i], self.x[i]
        for fanins, s in sel.items():
            for t in range(self.rows):
                if len(fanins) == 1:  # NOT gate: x_i = not x_j
                    for a in (0, 1):
                        lit_a = self._value(fanins[0], t, a)
                        if lit_a is True:
                            continue
                        head = [-s] + ([lit_a] if lit_a is not False else [])
                        self.clauses.append(head + [-x[t] if a else x[t]])
                    continue
                j, k = fanins
                for a in (0, 1):
                    lit_a = self._value(j, t, a)
                    if lit_a is True:
                        continue
                    for b in (0, 1):
                        lit_b = self._value(k, t, b)
                        if lit_b is True:
                            continue
                        head = [-s] + [lit for lit in (lit_a, lit_b) if lit is not False]
                        p = a + 2 * b
                        self.clauses.append(head + [x[t], -f[p]])  # x = 0 -> f(a,b) = 0
                        self.clauses.append(head + [-x[t], f[p]])  # x = 1 -> f(a,b) = 1
        for s in unary:  # fix the unused function bits of a NOT gate so each circuit is one model
            self.clauses.extend([-s, -f[p]] for p in range(4))
        allowed = allowed_ops(self.basis, last=i == self.r - 1)
        for op in range(16):
            if op not in allowed:
                self.clauses.append(unary + [-f[p] if (op >> p) & 1 else f[p] for p in range(4)])

    def _all_used(self) -> None:
        for i in range(self.r - 1):
            node = self.n + i
            self.clauses.append([s for later in self.sel[i + 1:] for fanins, s in later.items() if node in fanins])

    @staticmethod
    def _key(fanins: tuple[int, ...]) -> tuple[int, int]:
        return (fanins[-1], fanins[0]) if len(fanins) == 2 else (fanins[0], -1)

    def _colex(self) -> None:
        # If gate i+1 does not read gate i they could be swapped; keep only the order whose fanin
        # keys do not decrease. A greedy topological sort (smallest key first) shows one such
        # order exists for every DAG, so no circuit is lost.
        for i in range(self.r - 1):
            node = self.n + i
            for p, s in self.sel[i].items():
                for q, s2 in self.sel[i + 1].items():
                    if node not in q and self._key(q) < self._key(p):
                        self.clauses.append([-s, -s2])

    def _distinct_nodes(self) -> None:
        # In a minimal circuit no gate repeats an earlier node, nor (where negation is free or
        # foldable into consumers) its complement; saying so prunes the search a great deal.
        complement_too = self.basis != "and-or-not"
        for i in range(self.r):
            for j in range(self.n + i):
                for negate in (False, True) if complement_too else (False,):
                    clause = []
                    for t in range(self.rows):
                        if j < self.n:
                            bit = ((t >> j) & 1) ^ negate
                            clause.append(-self.x[i][t] if bit else self.x[i][t])
                            continue
                        other = self.x[j - self.n][t]
                        d = self.pool.id(("diff", i, j, negate, t))
                        clause.append(d)
                        # d -> x_i(t) differs from (x_j(t) xor negate)
                        if negate:  # differs from the complement: equal on row t
                            self.clauses += [[-d, self.x[i][t], -other], [-d, -self.x[i][t], other]]
                        else:
                            self.clauses += [[-d, self.x[i][t], other], [-d, -self.x[i][t], -other]]
                    self.clauses.append(clause)

    def _depth(self, bound: int) -> None:
        # d[i][l] says depth(gate i) >= l + 1; every gate has depth >= 1.
        d = [[self.pool.id(("d", i, lvl)) for lvl in range(bound)] for i in range(self.r)]
        if bound < 1:
            self.clauses.append([])
            return
        for i in range(self.r):
            self.clauses.append([d[i][0]])
            for lvl in range(1, bound):
                self.clauses.append([-d[i][lvl], d[i][lvl - 1]])
            for fanins, s in self.sel[i].items():
                for g in fanins:
                    if g < self.n:
                        continue
                    g -= self.n
                    for lvl in range(bound - 1):
                        self.clauses.append([-s, -d[g][lvl], d[i][lvl + 1]])
                    self.clauses.append([-s, -d[g][bound - 1]])

    def structure_vars(self) -> list[int]:
        """The variables that fix the circuit: selections and function bits."""
        return [s for sel in self.sel for s in sel.values()] + [v for f in self.f for v in f]

    def decode(self, model: set[int]) -> Circuit:
        """The Circuit of a satisfying assignment (a set of true literals)."""
        n = self.n
        lits = [2 * (j + 1) for j in range(n)]
        gates: list[Gate] = []
        out = 0
        for i in range(self.r):
            fanins = next(fan for fan, s in self.sel[i].items() if s in model)
            op = sum(1 << p for p in range(4) if self.f[i][p] in model)
            last = i == self.r - 1
            if len(fanins) == 1:
                gates.append(Gate(NOT, (lits[fanins[0]],)))
                complement = 0
            elif self.basis in ("aig", "xaig") and op not in (XOR, 9):
                ones = bin(op).count("1")
                minterm = (op if ones == 1 else 15 - op).bit_length() - 1
                a = lits[fanins[0]] ^ (1 - (minterm & 1))
                b = lits[fanins[1]] ^ (1 - (minterm >> 1))
                gates.append(Gate(AND, (a, b)))
                complement = int(ones == 3)
            elif self.basis == "xaig":
                gates.append(Gate(XOR, (lits[fanins[0]], lits[fanins[1]])))
                complement = int(op == 9)
            else:
                gates.append(Gate(op, (lits[fanins[0]], lits[fanins[1]])))
                complement = 0
            lits.append(2 * (n + 1 + i))
            if last:
                out = lits[-1] ^ complement
        return Circuit(n, tuple(gates), (out,), self.basis)
