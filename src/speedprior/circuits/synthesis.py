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

Every search runs under a `Budget` (default: 60 seconds, no conflict bound). The solver is
called in slices of CONFLICTS_PER_CALL conflicts (a few hundredths of a second each), so the
clock, the conflict count and Ctrl-C are checked between slices. When the budget runs out,
`synthesize` raises BudgetError saying what it had proved (the size is more than r) and how
to raise the budget.
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
DEFAULT_SECONDS = 60.0
CONFLICTS_PER_CALL = 2_000  # one solver slice: ~0.05 s, so Ctrl-C and the clock are seen quickly


@dataclass(frozen=True)
class Budget:
    """What exact synthesis may spend: wall-clock seconds and SAT conflicts (None: unbounded)."""

    seconds: float | None = DEFAULT_SECONDS
    conflicts: int | None = None

    def __post_init__(self):
        if self.seconds is not None and not (math.isfinite(self.seconds) and self.seconds > 0):
            raise BudgetError(f"the synthesis time budget must be a positive number of seconds, got {self.seconds}")
        if self.conflicts is not None and self.conflicts < 1:
            raise BudgetError(f"the synthesis conflict budget must be at least 1, got {self.conflicts}")

    def describe(self) -> str:
        """The budget in words, for messages."""
        parts = ([f"{self.seconds:g} s"] if self.seconds is not None else []) + (
            [f"{self.conflicts:,} conflicts"] if self.conflicts is not None else [])
        return " and ".join(parts) or "no bound"


class BudgetSpent(BudgetError):
    """Raised inside a search when its Budget runs out; synthesize adds what had been proved."""


class _Spending:
    """The clock and conflict count of one synthesis run against its Budget, plus progress."""

    def __init__(self, budget: Budget, progress):
        self.budget, self.progress = budget, progress
        self.start = time.perf_counter()
        self.conflicts = 0
        self.stage = "starting"
        self.known = "nothing was decided yet"  # the strongest fact proved so far, for the message

    def tell(self, stage: str) -> None:
        self.stage = stage
        if self.progress is not None:
            self.progress(f"{stage} ({time.perf_counter() - self.start:.0f} s)")

    def slice(self) -> int:
        """Conflicts the next solver call may use; BudgetSpent if none are left."""
        seconds, conflicts = self.budget.seconds, self.budget.conflicts
        if seconds is not None and time.perf_counter() - self.start >= seconds:
            raise BudgetSpent(self.budget.describe())
        if conflicts is not None and self.conflicts >= conflicts:
            raise BudgetSpent(self.budget.describe())
        return CONFLICTS_PER_CALL if conflicts is None else min(CONFLICTS_PER_CALL, conflicts - self.conflicts)


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


def _solve(enc: ChainEncoding, spending: _Spending, limit: int | None = 1) -> list[Circuit]:
    """Up to `limit` circuits (None: all), blocking each solution's structure, within the budget."""
    import pysolvers  # python-sat's compiled module: its `error` is how it reports a SIGINT mid-solve
    from pysat.solvers import Solver

    found: list[Circuit] = []
    struct = enc.structure_vars()
    with Solver(name=SOLVER, bootstrap_with=enc.clauses) as solver:
        while limit is None or len(found) < limit:
            status = None
            while status is None:  # slices of conflicts: the clock and Ctrl-C are checked between them
                solver.conf_budget(spending.slice())
                before = solver.accum_stats().get("conflicts", 0)
                try:
                    status = solver.solve_limited()
                except pysolvers.error as error:
                    if "interrupt" in str(error).lower():
                        raise KeyboardInterrupt from None
                    raise
                spending.conflicts += solver.accum_stats().get("conflicts", 0) - before
                if spending.progress is not None:
                    spending.tell(spending.stage)
            if not status:
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
                 stop: int | None = None, budget: Budget | None = None,
                 progress=None) -> tuple[int, Circuit] | None:
    """The least r in [start, stop] with an r-gate chain (of depth <= `depth`), and one such chain."""
    return _minimum_size(tt, n, basis, _Spending(budget or Budget(), progress), depth, start, stop)


def _minimum_size(tt: int, n: int, basis: str, spending: _Spending, depth: int | None = None,
                  start: int | None = None, stop: int | None = None) -> tuple[int, Circuit] | None:
    trivial = _trivial(tt, n, basis)
    if trivial is not None and depth is None and start is None:
        return trivial[0].size, trivial[0]
    lo = max(1, len(essential_inputs(tt, n)) - 1) if start is None else start
    hi = stop if stop is not None else 64
    for r in range(lo, hi + 1):
        spending.tell(f"trying {r} gates" + (f" at depth <= {depth}" if depth is not None else ""))
        found = _solve(ChainEncoding(tt, n, r, basis, depth), spending)
        if found:
            return r, found[0]
        at_depth = f" and depth <= {depth}" if depth is not None else ""
        spending.known = f"no circuit of {r} gates{at_depth} exists"
    return None


def synthesize(tt: int, n: int, basis: str = "full", measure: str = "size", limit: int = 200_000,
               budget: Budget | None = None, progress=None) -> SynthesisResult:
    """Minimal circuits of the n-input function with truth table `tt` (bit i = f(i)).

    Runs within `budget` (default Budget(): 60 s); `progress(text)`, if given, hears what is
    being tried. Raises BudgetError, saying what was proved, when the budget runs out.
    """
    check_basis_name(basis)
    if measure not in ("size", "depth"):
        raise SpeedpriorError(f"measure must be 'size' or 'depth', got {measure!r}")
    if not 0 <= n <= MAX_INPUTS:
        raise BudgetError(f"exact synthesis takes 0..{MAX_INPUTS} inputs, got {n}")
    if not 0 <= tt < 1 << (1 << n):
        raise ParseError(f"truth table {tt:#x} does not fit {n} inputs")
    if limit < 1:
        raise BudgetError(f"the enumeration limit must be at least 1, got {limit}")
    budget = budget or Budget()
    spending = _Spending(budget, progress)
    try:
        return _synthesize(tt, n, basis, measure, limit, spending)
    except BudgetSpent:
        digits = max(1, (1 << n) // 4)
        raise BudgetError(f"exact synthesis of {tt:0{digits}x} ({n} inputs, basis {basis}) ran out of its budget "
                          f"of {budget.describe()} while {spending.stage}; {spending.known}; raise the budget with "
                          "--seconds or --conflicts") from None


def _synthesize(tt: int, n: int, basis: str, measure: str, limit: int, spending: _Spending) -> SynthesisResult:
    start = spending.start
    trivial = _trivial(tt, n, basis)
    if trivial is not None:
        return _result(trivial, start)
    size, _ = _minimum_size(tt, n, basis, spending)
    smallest = _enumerate(tt, n, size, basis, None, limit, spending)
    if measure == "size":
        return _result(smallest, start)
    # Minimal depth: a shallower circuit than the minimal-size ones needs more gates; a circuit
    # of depth D has at most 2^D - 1 two-input gates (plus one NOT per input in and-or-not,
    # where NOTs can be pushed to the inputs without deepening it).
    shallowest = min(c.depth for c in smallest)
    lower = math.ceil(math.log2(len(essential_inputs(tt, n))))
    for bound in range(max(1, lower), shallowest):
        cap = (1 << bound) - 1 + (n if basis == "and-or-not" else 0)
        found = _minimum_size(tt, n, basis, spending, bound, size + 1, cap)
        if found:
            return _result(_enumerate(tt, n, found[0], basis, bound, limit, spending), start)
    return _result([c for c in smallest if c.depth == shallowest], start)


def _enumerate(tt: int, n: int, r: int, basis: str, depth: int | None, limit: int,
               spending: _Spending) -> list[Circuit]:
    spending.known = f"the minimal size is {r}" + (f" at depth <= {depth}" if depth is not None else "")
    spending.tell(f"enumerating the minimal circuits of {r} gates" + (f" at depth <= {depth}" if depth else ""))
    circuits = _solve(ChainEncoding(tt, n, r, basis, depth), spending, limit + 1)
    if len(circuits) > limit:
        raise BudgetError(f"more than {limit} minimal circuits; raise the enumeration limit (--limit)")
    return circuits
