"""Exact synthesis: minimal-size and minimal-depth circuits of functions of up to 4 inputs.

Sizes come from SAT (`ChainEncoding`, solved with CaDiCaL through python-sat): the smallest r
for which an r-gate chain exists. Every minimal circuit is then enumerated by blocking each
solution's structure, and the solutions are deduplicated by a canonical form.

What is counted:
  * `minimal_count`: distinct minimal circuits, where two circuits are the same if they differ
    only in the numbering of gates or the order of a gate's two inputs. In aig/xaig a negation
    is an edge attribute (XOR nodes carry their negation on the output); in `full`, where any
    gate's complement can be folded into its consumers, internal gates are counted in normal
    form (f(0,0) = 0): multiply by 2^(size-1) for the raw number of B2 circuits.
  * `classes`: isomorphism classes of those circuits when inputs may be renamed too, that is,
    the distinct DAG shapes with gate functions.

`measure="size"` minimises size (the returned circuit is the shallowest minimal-size one);
`measure="depth"` minimises depth, then size among circuits of that depth, and counts those.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from itertools import permutations

from speedprior.circuits.circuit import NOT, Circuit, Gate, check_basis_name, swap_op
from speedprior.circuits.encoding import ChainEncoding
from speedprior.errors import BudgetError, ParseError, SpeedpriorError

MAX_INPUTS = 4
SOLVER = "cadical153"


@dataclass(frozen=True)
class SynthesisResult:
    """A minimal circuit with the numbers that describe the set of minimal circuits."""

    circuit: Circuit
    size: int
    depth: int
    minimal_count: int
    classes: int
    seconds: float
    circuits: tuple[Circuit, ...] = ()

    def to_dict(self) -> dict:
        """The JSON form printed by `speedprior circuit min --json`."""
        return {"size": self.size, "depth": self.depth, "circuit": str(self.circuit),
                "minimal_count": self.minimal_count, "classes": self.classes, "seconds": round(self.seconds, 4)}


def parse_truth_table(text: str, n_inputs: int) -> int:
    """A hex truth table of 2^n bits (bit i = f(i)) as an int; wrong length is a ParseError."""
    if not 0 <= n_inputs <= MAX_INPUTS:
        raise BudgetError(f"exact synthesis takes 0..{MAX_INPUTS} inputs, got {n_inputs}")
    digits = text.strip().lower().removeprefix("0x")
    want = max(1, (1 << n_inputs) // 4)
    if not digits or any(c not in "0123456789abcdef" for c in digits):
        raise ParseError(f"truth table {text!r} is not hexadecimal")
    if len(digits) != want:
        raise ParseError(f"a truth table of {n_inputs} inputs has {1 << n_inputs} bits = {want} hex digit(s), "
                         f"got {len(digits)} in {text!r}")
    value = int(digits, 16)
    if value >> (1 << n_inputs):
        raise ParseError(f"truth table {text!r} has bits beyond the {1 << n_inputs} of {n_inputs} inputs")
    return value


def essential_inputs(tt: int, n: int) -> list[int]:
    """Inputs the function depends on."""
    rows = 1 << n
    return [i for i in range(n) if any(((tt >> t) & 1) != ((tt >> (t ^ (1 << i))) & 1) for t in range(rows))]


def restrict_to_support(tt: int, n: int) -> tuple[int, list[int]]:
    """The function on its essential inputs only: (truth table over them, their indices)."""
    support = essential_inputs(tt, n)
    rows = 1 << len(support)
    table = 0
    for u in range(rows):
        t = sum(((u >> k) & 1) << i for k, i in enumerate(support))
        table |= ((tt >> t) & 1) << u
    return table, support


def _trivial(tt: int, n: int, basis: str) -> list[Circuit] | None:
    """The minimal circuits of a constant, an input or a negated input; None otherwise."""
    rows = 1 << n
    full = (1 << rows) - 1
    if tt in (0, full):
        return [Circuit(n, (), (int(tt == full),), basis)]
    for i in range(n):
        proj = sum(1 << t for t in range(rows) if (t >> i) & 1)
        if tt == proj:
            return [Circuit(n, (), (2 * (i + 1),), basis)]
        if tt == full ^ proj:
            if basis in ("aig", "xaig"):
                return [Circuit(n, (), (2 * (i + 1) + 1,), basis)]
            return [Circuit(n, (Gate(NOT, (2 * (i + 1),)),), (2 * (n + 1),), basis)]
    return None


def _solve(enc: ChainEncoding, limit: int | None = 1) -> list[Circuit]:
    """Up to `limit` circuits (None: all), blocking each solution's structure."""
    from pysat.solvers import Solver

    found: list[Circuit] = []
    struct = enc.structure_vars()
    with Solver(name=SOLVER, bootstrap_with=enc.clauses) as solver:
        while limit is None or len(found) < limit:
            if not solver.solve():
                break
            model = set(lit for lit in solver.get_model() if lit > 0)
            found.append(enc.decode(model))
            solver.add_clause([-v if v in model else v for v in struct])
    return found


def canonical_form(circuit: Circuit, perm: tuple[int, ...] | None = None) -> str:
    """A string equal for two circuits iff they are the same up to gate numbering and fanin order.

    Valid for circuits without two identical gates (true of every minimal circuit). `perm`
    renames input i to perm[i] first.
    """
    n = circuit.n_inputs
    text = ["0"] + [f"x{perm[i] if perm else i}" for i in range(n)]
    for gate in circuit.gates:
        lits = ["!" * (lit & 1) + text[lit >> 1] for lit in gate.fanins]
        if gate.arity == 1:
            text.append(f"{gate.name}({lits[0]})")
            continue
        op = gate.op
        if lits[0] > lits[1]:
            lits.reverse()
            op = swap_op(op)
        text.append(f"{op:X}({lits[0]},{lits[1]})")
    return ";".join("!" * (lit & 1) + text[lit >> 1] for lit in circuit.outputs)


def isomorphism_key(circuit: Circuit) -> str:
    """Canonical form up to renaming inputs as well: the least form over input permutations."""
    return min(canonical_form(circuit, perm) for perm in permutations(range(circuit.n_inputs)))


def _distinct(circuits: list[Circuit]) -> list[Circuit]:
    seen: dict[str, Circuit] = {}
    for circuit in circuits:
        seen.setdefault(canonical_form(circuit), circuit)
    return list(seen.values())


def _result(circuits: list[Circuit], start: float) -> SynthesisResult:
    circuits = _distinct(circuits)
    best = min(circuits, key=lambda c: (c.depth, canonical_form(c)))
    classes = len({isomorphism_key(c) for c in circuits})
    return SynthesisResult(best, best.size, best.depth, len(circuits), classes, time.perf_counter() - start,
                           tuple(circuits))


def minimum_size(tt: int, n: int, basis: str, depth: int | None = None, start: int | None = None,
                 stop: int | None = None) -> tuple[int, Circuit] | None:
    """The least r in [start, stop] with an r-gate chain (of depth <= `depth`), and one such chain."""
    trivial = _trivial(tt, n, basis)
    if trivial is not None and depth is None and start is None:
        return trivial[0].size, trivial[0]
    lo = max(1, len(essential_inputs(tt, n)) - 1) if start is None else start
    hi = stop if stop is not None else 64
    for r in range(lo, hi + 1):
        found = _solve(ChainEncoding(tt, n, r, basis, depth))
        if found:
            return r, found[0]
    return None


def synthesize(tt: int, n: int, basis: str = "full", measure: str = "size", limit: int = 200_000) -> SynthesisResult:
    """Minimal circuits of the n-input function with truth table `tt` (bit i = f(i))."""
    check_basis_name(basis)
    if measure not in ("size", "depth"):
        raise SpeedpriorError(f"measure must be 'size' or 'depth', got {measure!r}")
    if not 0 <= n <= MAX_INPUTS:
        raise BudgetError(f"exact synthesis takes 0..{MAX_INPUTS} inputs, got {n}")
    if not 0 <= tt < 1 << (1 << n):
        raise ParseError(f"truth table {tt:#x} does not fit {n} inputs")
    start = time.perf_counter()
    trivial = _trivial(tt, n, basis)
    if trivial is not None:
        return _result(trivial, start)
    size, _ = minimum_size(tt, n, basis)
    smallest = _enumerate(tt, n, size, basis, None, limit)
    if measure == "size":
        return _result(smallest, start)
    # Minimal depth: a shallower circuit than the minimal-size ones needs more gates; a circuit
    # of depth D has at most 2^D - 1 two-input gates (plus one NOT per input in and-or-not,
    # where NOTs can be pushed to the inputs without deepening it).
    shallowest = min(c.depth for c in smallest)
    lower = math.ceil(math.log2(len(essential_inputs(tt, n))))
    for bound in range(max(1, lower), shallowest):
        cap = (1 << bound) - 1 + (n if basis == "and-or-not" else 0)
        found = minimum_size(tt, n, basis, bound, size + 1, cap)
        if found:
            return _result(_enumerate(tt, n, found[0], basis, bound, limit), start)
    return _result([c for c in smallest if c.depth == shallowest], start)


def _enumerate(tt: int, n: int, r: int, basis: str, depth: int | None, limit: int) -> list[Circuit]:
    circuits = _solve(ChainEncoding(tt, n, r, basis, depth), limit + 1)
    if len(circuits) > limit:
        raise BudgetError(f"more than {limit} minimal circuits; raise the enumeration limit")
    return circuits
