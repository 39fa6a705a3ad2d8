"""Tree-normal-form (TNF) enumeration of n-state, m-symbol 1-tape Turing machines.

Start from a partial machine (on the blank tape: A0 = 1RB, every other transition
undefined), run it, and at the first undefined transition reached branch over every way to
fill it that is distinct up to renaming states: a stop transition (halt, or accept/reject for
deciders), or any write, any move (L/R) and a next state among those already used plus the
first unused one. A child that reaches no undefined transition within the budget is a leaf:
it halted, or it ran out of budget. Transitions never reached stay undefined.

`enumerate_blank` walks the busy-beaver community's tree (bbchallenge's "TNF-1RB"): at the
last undefined transition only the halt is offered (a machine with no halt left can never
halt), and a new symbol may be written only if every smaller one was written before, so no
machine appears twice up to renaming states or symbols (41 / 4,057 / 620,261 machines for
2 / 3 / 4 states and 2 symbols). Its leaves are halted, decided non-halting (cyclers and
translated cyclers, tm/_decide.py) or undecided (out of budget); it is a compiled depth-first
search, parallel over subtrees. `tnf_machines` streams the leaves of the full tree (every
transition offered everywhere) as machines, for blank or for any set of inputs (branching at
the first undefined transition reached on any input). Neither holds more than a search
stack in memory.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from speedprior.errors import BudgetError
from speedprior.search import _kernels
from speedprior.search.encoding import encode_words
from speedprior.tm.machine import ACCEPT, HALT, REJECT, UNDEFINED, TuringMachine
from speedprior.tm.standard import to_standard

DEFAULT_BUDGET = 107  # BB(4): enough to settle every machine with at most 4 states and 2 symbols
MAX_BUDGET = 1 << 22  # the blank kernel keeps one tape of 2*budget cells per tree level
# states x symbols of the largest blank-tape walk done in one call, in memory: 4x2 (620,261 machines)
# takes about a second; 5x2 (126,891,605) goes through the sharded, resumable walk of shards.py.
MAX_TABLE_ENTRIES = 8
STOP_CODES = {"halt": HALT, "accept": ACCEPT, "reject": REJECT}


@dataclass(frozen=True)
class EnumerationSummary:
    """Busy-beaver statistics of every TNF machine on the blank tape."""

    states: int
    symbols: int
    budget: int
    machines: int  # leaves of the TNF-1RB tree: halted + nonhalting + undecided
    halted: int
    nonhalting: int  # decided never to halt: cyclers and translated cyclers
    undecided: int  # neither halted nor decided within the budget
    max_steps: int
    max_steps_machine: str
    max_ones: int
    max_ones_machine: str
    seconds: float

    def to_dict(self) -> dict:
        """The JSON form printed by `speedprior tm enumerate`."""
        return asdict(self)


def _check(states: int, symbols: int, budget: int) -> None:
    if not 1 <= states <= 26:
        raise BudgetError(f"states must lie in 1..26, got {states}")
    if not 2 <= symbols <= 10:
        raise BudgetError(f"symbols must lie in 2..10, got {symbols}")
    if not 0 <= budget <= MAX_BUDGET:
        raise BudgetError(f"step budget must lie in 0..{MAX_BUDGET}, got {budget}")


def _root(states: int, symbols: int, fix_first: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The root partial machine: A0 = 1RB when fixed (and there is a B), else nothing defined."""
    size = states * symbols
    ns = np.full(size, UNDEFINED, np.int32)
    wr = np.zeros(size, np.uint8)
    mv = np.zeros(size, np.int64)
    if fix_first and states >= 2:
        ns[0], wr[0], mv[0] = 1, 1, 1
        return ns, wr, mv, 2
    return ns, wr, mv, 1


def _children(ns, wr, mv, used: int, t: int, states: int, symbols: int, stops: Sequence[tuple[int, int, int]]):
    """Yield (ns, wr, mv, used) for each child at undefined transition t, in the kernels' order.

    `stops` lists the stop transitions offered, as (code, write, move).
    """
    for code, write, move in stops:
        c_ns, c_wr, c_mv = ns.copy(), wr.copy(), mv.copy()
        c_ns[t], c_wr[t], c_mv[t] = code, write, move
        yield c_ns, c_wr, c_mv, used
    targets = min(used + 1, states)
    for write in range(symbols):
        for move in (-1, 1):
            for target in range(targets):
                c_ns, c_wr, c_mv = ns.copy(), wr.copy(), mv.copy()
                c_ns[t], c_wr[t], c_mv[t] = target, write, move
                yield c_ns, c_wr, c_mv, max(used, target + 1)


def machine_from_tables(ns, wr, mv, states: int, symbols: int | Sequence[str], undefined: str = "halt",
                        input_symbols: Sequence[str] | None = None) -> TuringMachine:
    """Build a TuringMachine from flat tables (entry state*m + read)."""
    alphabet = tuple(str(i) for i in range(symbols)) if isinstance(symbols, int) else tuple(symbols)
    m = len(alphabet)
    return TuringMachine(
        np.asarray(ns, np.int32).reshape(states, m),
        np.asarray(wr, np.uint8).reshape(states, m, 1),
        np.asarray(mv, np.int8).reshape(states, m, 1),
        symbols=alphabet, input_symbols=None if input_symbols is None else tuple(input_symbols),
        undefined=undefined,
    )


def blank_children(ns, wr, mv, used: int, written: int, t: int, states: int, symbols: int):
    """Yield (ns, wr, mv, used, written) for each TNF-1RB child at undefined transition t, in the kernel's order.

    The halt first; then, unless t is the last undefined transition (where only the halt is
    offered), every (write, move, target) with a write among the symbols in use plus the next.
    """
    c_ns, c_wr, c_mv = ns.copy(), wr.copy(), mv.copy()
    c_ns[t], c_wr[t], c_mv[t] = HALT, 1, 1
    yield c_ns, c_wr, c_mv, used, written
    if int((ns == UNDEFINED).sum()) == 1:
        return
    targets = min(used + 1, states)
    for write in range(min(written + 1, symbols)):
        for move in (-1, 1):
            for target in range(targets):
                c_ns, c_wr, c_mv = ns.copy(), wr.copy(), mv.copy()
                c_ns[t], c_wr[t], c_mv[t] = target, write, move
                yield c_ns, c_wr, c_mv, max(used, target + 1), max(written, write + 1)


def blank_root(states: int, symbols: int):
    """The root of the blank-tape tree: (ns, wr, mv, states used, symbols written (blank included), resume step).

    The resume step of a node is where its parent's run reached the transition the node fills
    (0 for the root): the walk resumes the node's run there, and the deciders watch it from there.
    """
    ns, wr, mv, used = _root(states, symbols, fix_first=True)
    return ns, wr, mv, used, 2 if states >= 2 else 1, 0


def blank_frontier(states: int, symbols: int, budget: int, target: int) -> list[tuple]:
    """Expand the blank-tape tree breadth-first, keeping DFS order, until `target` nodes (or nothing to expand).

    Each node is (ns, wr, mv, states used, symbols written, resume step), as `blank_root`; a
    node that is already a leaf (it halts or runs out of budget before any undefined transition) stays.
    """
    nodes = [blank_root(states, symbols)]
    for _ in range(states * symbols):
        if len(nodes) >= target:
            break
        expanded, grew = [], False
        for node in nodes:
            ns, wr, mv, used, written, _ = node
            t, steps, _, _ = _kernels.probe_blank(ns, wr, mv, symbols, budget)
            if t < 0:
                expanded.append(node)
                continue
            grew = True
            expanded.extend((*child, int(steps)) for child in blank_children(ns, wr, mv, used, written, int(t),
                                                                             states, symbols))
        nodes = expanded
        if not grew:
            break
    return nodes


def search_subtrees(nodes: Sequence[tuple], states: int, symbols: int, budget: int, threads: int = 1,
                    decide: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Walk the subtree below each node (from `blank_frontier`) with the compiled DFS on `threads` threads.

    Returns (stats, best_steps, best_ones), row i for nodes[i]: stats as `_kernels.STATS`
    (machines, halted, max_steps, max_ones, nonhalting, undecided); best_* (3, states*symbols)
    the first machine of the subtree in DFS order reaching its maximum.
    """
    import numba

    f, size = len(nodes), states * symbols
    # prange hands each thread a contiguous block; shuffling (seeded) spreads the heavy subtrees.
    order = np.random.default_rng(0).permutation(f)
    ns = np.stack([nodes[i][0] for i in order])
    wr = np.stack([nodes[i][1] for i in order])
    mv = np.stack([nodes[i][2] for i in order])
    used = np.array([nodes[i][3] for i in order], np.int64)
    written = np.array([nodes[i][4] for i in order], np.int64)
    resume = np.array([nodes[i][5] for i in order], np.int64)
    undefined = (ns == UNDEFINED).sum(axis=1).astype(np.int64)
    stats = np.zeros((f, _kernels.STATS), np.int64)
    best_steps = np.zeros((f, 3, size), np.int64)
    best_ones = np.zeros((f, 3, size), np.int64)
    previous = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        _kernels.frontier_blank(ns, wr, mv, used, written, undefined, resume, states, symbols, budget, stats,
                                best_steps,
                                best_ones, _kernels.DECIDE_WARM if decide else -1)
    finally:
        numba.set_num_threads(previous)
    back = np.argsort(order)  # rows back in the order of `nodes`
    return stats[back], best_steps[back], best_ones[back]


def champion_label(tables: np.ndarray, states: int, symbols: int) -> str:
    """The Standard TM string of a champion row (ns, wr, mv) from `search_subtrees`."""
    return to_standard(machine_from_tables(tables[0], tables[1], tables[2], states, symbols))


def enumerate_blank(states: int, symbols: int = 2, budget: int = DEFAULT_BUDGET,
                    workers: int | None = None, decide: bool = True) -> EnumerationSummary:
    """Count every TNF machine on the blank tape and find the busy-beaver champions within `budget`.

    `decide=False` turns the non-halting deciders off: every non-halting machine then runs its whole
    budget and counts as undecided (a plain walk, as benchmarks/enumerate_reference.c).
    """
    import numba

    _check(states, symbols, budget)
    if states * symbols > MAX_TABLE_ENTRIES:
        raise BudgetError(f"enumerating every {states}-state {symbols}-symbol machine is out of reach in one "
                          f"in-memory walk (states x symbols must be at most {MAX_TABLE_ENTRIES}); the sharded, "
                          "resumable walk (speedprior.search.shards) takes larger spaces")
    start = time.perf_counter()
    workers = max(1, min(workers or os.cpu_count() or 1, numba.config.NUMBA_NUM_THREADS))
    nodes = blank_frontier(states, symbols, budget, target=64 * workers)
    stats, best_steps, best_ones = search_subtrees(nodes, states, symbols, budget, threads=workers,
                                                   decide=decide)
    # The first subtree (in DFS order) holding each maximum supplies its machine.
    i_steps, i_ones = int(np.argmax(stats[:, 2])), int(np.argmax(stats[:, 3]))
    halted = int(stats[:, 1].sum())
    return EnumerationSummary(
        states, symbols, budget, machines=int(stats[:, 0].sum()), halted=halted,
        nonhalting=int(stats[:, 4].sum()), undecided=int(stats[:, 5].sum()),
        max_steps=int(stats[i_steps, 2]),
        max_steps_machine=champion_label(best_steps[i_steps], states, symbols) if halted else "",
        max_ones=int(stats[i_ones, 3]),
        max_ones_machine=champion_label(best_ones[i_ones], states, symbols) if halted else "",
        seconds=round(time.perf_counter() - start, 4),
    )


@dataclass(frozen=True)
class TableChunk:
    """A run of consecutive TNF leaves as flat tables (row i: entry state * m + read)."""

    ns: np.ndarray  # int32 (count, states * m)
    wr: np.ndarray  # uint8
    mv: np.ndarray  # int64
    states: int
    symbols: tuple[str, ...]
    input_symbols: tuple[str, ...]
    undefined: str

    def machine(self, i: int) -> TuringMachine:
        """Row i as a TuringMachine."""
        return machine_from_tables(self.ns[i], self.wr[i], self.mv[i], self.states, self.symbols, self.undefined,
                                   self.input_symbols)


def _stream_setup(states, symbols, budget, inputs, stops, input_symbols):
    alphabet = tuple(str(i) for i in range(symbols)) if isinstance(symbols, int) else tuple(symbols)
    m = len(alphabet)
    _check(states, m, budget)
    unknown = [s for s in stops if s not in STOP_CODES]
    if not stops or unknown:
        raise BudgetError(f"stops must be names among {', '.join(STOP_CODES)}, got {list(stops)}")
    inputs = tuple(inputs) or ("",)
    blank_only = all(w == "" for w in inputs)
    options = []
    for name in stops:
        if name == "halt" and not blank_only:
            options += [(HALT, w, d) for w in range(m) for d in (-1, 1)]
        else:
            options.append((STOP_CODES[name], 1, 1))
    in_symbols = tuple(input_symbols) if input_symbols is not None else alphabet  # as TuringMachine's default
    words, offsets = encode_words(inputs, alphabet, in_symbols)
    return alphabet, in_symbols, words, offsets, options, blank_only


def tnf_tables(states: int, symbols: int | str = 2, budget: int = DEFAULT_BUDGET, inputs: Sequence[str] = ("",),
               stops: Sequence[str] = ("halt",), input_symbols: str | None = None, undefined: str = "halt",
               chunk: int = 4096, expected: Sequence[bool] = ()) -> Iterator[TableChunk]:
    """Stream the leaves of `tnf_machines` as chunks of flat tables, walked by a compiled kernel.

    `expected` (verdicts of the first len(expected) inputs) prunes the tree to the machines that
    may still decide those inputs so: a subtree is dropped as soon as one of them stops with
    the other verdict or runs out of budget, which no completion of the machine can change.
    """
    alphabet, in_symbols, words, offsets, options, blank_only = _stream_setup(states, symbols, budget, inputs, stops,
                                                                              input_symbols)
    if len(expected) > len(tuple(inputs)):
        raise BudgetError(f"{len(expected)} expected verdicts for {len(tuple(inputs))} inputs")
    verdicts = np.array([1 if v else 0 for v in expected], np.int8)
    m, size, depth = len(alphabet), states * len(alphabet), states * len(alphabet) + 1
    ns, wr, mv, used0 = _root(states, m, fix_first=blank_only)
    codes = np.array([o[0] for o in options], np.int32)
    writes = np.array([o[1] for o in options], np.uint8)
    moves = np.array([o[2] for o in options], np.int64)
    trans, child, nchild, used = (np.zeros(depth, np.int64) for _ in range(4))
    used[0] = used0
    ptr = np.zeros(2, np.int64)
    while True:
        out = (np.empty((chunk, size), np.int32), np.empty((chunk, size), np.uint8), np.empty((chunk, size), np.int64))
        count = int(_kernels.stream_tables(ns, wr, mv, states, m, words, offsets, budget, verdicts, codes, writes,
                                           moves,
                                           trans, child, nchild, used, ptr, *out))
        if count:
            yield TableChunk(out[0][:count], out[1][:count], out[2][:count], states, alphabet, in_symbols, undefined)
        if ptr[0] < 0:
            return


def tnf_machines(states: int, symbols: int | str = 2, budget: int = DEFAULT_BUDGET, inputs: Sequence[str] = ("",),
                 stops: Sequence[str] = ("halt",), input_symbols: str | None = None,
                 undefined: str = "halt") -> Iterator[TuringMachine]:
    """Stream every TNF machine (the tree's leaves, in depth-first order) for behaviour on `inputs`.

    `symbols` is a count (digits 0..m-1, 0 the blank) or a string of tape symbols, blank first;
    `input_symbols` (default: every symbol, as for TuringMachine) is what inputs may contain.
    The tree branches at the first undefined transition reached on any input (inputs in
    order); `stops` names the stop transitions offered at each branch ("halt", or "accept"
    and "reject" for deciders). On the blank tape alone the root is A0 = 1RB; otherwise the
    root is the empty machine, since a machine reading input may need any first transition.
    A stop writes 1 and moves right (as `1RZ`), except a halt on inputs: a function's output
    is read from the tape, so there every write and move of the halting transition is a branch.
    """
    for block in tnf_tables(states, symbols, budget, inputs, stops, input_symbols, undefined):
        for i in range(len(block.ns)):
            yield block.machine(i)
