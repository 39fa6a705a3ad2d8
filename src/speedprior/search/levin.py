"""Levin's universal search in Schmidhuber's phases, and the task-level search entry point.

Phase i = 1, 2, ... gives every program of length l <= i (l = its description bits, rounded
up) a fresh run of 2^(i - l) steps, shortest programs first; the search stops at the first
program that solves the task. A program costing c steps is found in phase l + ceil(log2 c),
so the search minimises Levin's Kt = l + log2(time) up to rounding. As with the dovetailer,
each program runs once, as far as any phase could let it, and the phases are accounted
exactly (every run of every phase counts, since each phase starts its programs afresh).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np

from speedprior.errors import BudgetError, UnknownNameError
from speedprior.search.chunks import ChunkedSpace, concat, program_chunks, verdict_chunk
from speedprior.search.dovetail import CHUNK, dovetail
from speedprior.search.evaluate import Examples, as_examples, example_budget
from speedprior.search.params import DovetailParams, PhaseParams
from speedprior.search.result import SearchResult, add_forwarding, fastest_solvers
from speedprior.search.spaces import LengthSpace, Program, TNFSpace
from speedprior.search.task import Task

SCHEDULES = {"dovetail": DovetailParams, "phases": PhaseParams}  # schedule name -> its hyperparameters
DEFAULT_MAX_PHASE = PhaseParams.max_phase  # the default, defined once in PhaseParams
FORWARDING_LIMIT = 1_000_000  # programs the forwarding scan grades at most (a 4-state task space holds millions)
ORDERS = ("tnf", "length")


def _log2_ceil(cost: np.ndarray) -> np.ndarray:
    return np.ceil(np.log2(np.maximum(cost, 1))).astype(np.int64)


def phases(space: Iterable[Program], examples: Examples, *, budget: int | None = None,
           params: PhaseParams = PhaseParams()) -> tuple[SearchResult, Program | None]:
    """Run Levin search in phases over `space` (any order: it is sorted by length) until a program solves.

    `budget` (steps per example; default the task's, else 10,000) marks a run as never stopping.
    """
    if not isinstance(params, PhaseParams):
        raise BudgetError(f"phases take PhaseParams, got {params!r}")
    max_phase, budget = params.max_phase, example_budget(examples, budget)
    start = time.perf_counter()
    items = as_examples(examples)
    chunks = list(program_chunks(space, CHUNK))
    if not chunks:
        return SearchResult("phases", False, None, None, None, 0, 0, 0, params={"max_phase": max_phase}), None
    every = concat(chunks)
    lengths = np.ceil(every.bits).astype(np.int64)
    order = np.lexsort((np.arange(len(every)), lengths))  # shortest first, ties in enumeration order
    ranked, lengths = every.take(order), lengths[order]
    best_phase, winner, done = None, None, 0
    run_lengths, run_costs = [], []
    for lo in range(0, len(ranked), CHUNK):
        horizon = best_phase if best_phase is not None else max_phase
        rows = np.arange(lo, min(lo + CHUNK, len(ranked)))
        rows = rows[lengths[rows] <= horizon]
        if rows.size == 0:
            break
        part = ranked.take(rows)
        cost, result = verdict_chunk(part, items, np.left_shift(1, horizon - lengths[rows]), budget)
        phase = lengths[rows] + _log2_ceil(cost)
        solved = np.flatnonzero(result == 1)
        if solved.size:
            first = solved[np.argmin(phase[solved])]  # argmin keeps the earliest program of a tied phase
            if best_phase is None or phase[first] < best_phase:
                best_phase, winner, found = int(phase[first]), done + int(first), part.program(int(first))
        run_lengths.append(lengths[rows])
        run_costs.append(cost)
        done += rows.size
    length, cost = np.concatenate(run_lengths), np.concatenate(run_costs)
    if best_phase is not None:
        last = best_phase
    else:  # nobody solves: the search ends when every program has failed, or at max_phase
        last = int(min(max_phase, (length + _log2_ceil(cost)).max(initial=0)))
    first_phase = int(length.min())
    # Program j runs in phases length_j..last (the winner's successors skip the last one); in each
    # it takes min(cost, 2^(i - length)): a geometric sum until its cost is reached, then its cost.
    phases_run = np.maximum(last - length + 1, 0)
    if winner is not None:
        phases_run[winner + 1 :] = np.maximum(last - length[winner + 1 :], 0)
    doubling = np.minimum(_log2_ceil(cost), phases_run)
    flat = phases_run - doubling
    total = int((cost[flat > 0] * flat[flat > 0]).sum())
    for a, count in enumerate(np.bincount(doubling)):
        total += int(count) * ((1 << a) - 1)
    result = SearchResult(
        schedule="phases", found=winner is not None, program=found.name if winner is not None else None,
        index=found.index if winner is not None else None, bits=found.bits if winner is not None else None,
        total_steps=total, programs_started=int((length <= last).sum()), rounds=max(0, last - first_phase + 1),
        seconds=round(time.perf_counter() - start, 4),
        params={"max_phase": max_phase, "budget": budget, "found_phase": best_phase},
    )
    return result, found if winner is not None else None


def walk_within(space: Iterable[Program], limit: int, what: str, how: str) -> ChunkedSpace:
    """Walk `space` once into memory, refusing (BudgetError) before grading anything if it holds more
    than `limit` programs; `what` names the work, `how` how to raise the limit."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise BudgetError(f"the program limit must be a positive integer, got {limit!r}")
    parts, seen = [], 0
    for chunk in program_chunks(space, CHUNK):
        seen += len(chunk)
        if seen > limit:
            raise BudgetError(f"{what} would grade more than {limit:,} programs; {how}")
        parts.append(chunk)
    return ChunkedSpace(tuple(parts))


def task_space(task: Task, order: str = "tnf", states: int | None = None) -> Iterable[Program]:
    """The program space a task's search enumerates: TNF order, or by description length."""
    if order not in ORDERS:
        raise UnknownNameError(f"unknown order {order!r}; use one of {', '.join(ORDERS)}")
    base = TNFSpace.for_task(task, states=states)
    return base if order == "tnf" else LengthSpace(base)


def levin_search(task: Task, *, budget: int | None = None, params: DovetailParams | PhaseParams = DovetailParams(),
                 order: str = "tnf", states: int | None = None, forwarding: bool = True,
                 forwarding_limit: int = FORWARDING_LIMIT) -> SearchResult:
    """Search a task's TNF space with the dovetailer (DovetailParams) or in phases (PhaseParams);
    add the forwarding figure. `budget` is steps per example (default the task's).

    The forwarding scan grades the whole space; a space of more than `forwarding_limit`
    programs is refused (BudgetError) before the search runs.
    """
    if not isinstance(params, DovetailParams | PhaseParams):
        raise UnknownNameError(f"levin_search takes DovetailParams or PhaseParams (schedules: "
                               f"{', '.join(SCHEDULES)}), got {params!r}")
    start = time.perf_counter()
    budget = example_budget(task, budget)
    space = task_space(task, order, states)
    fastest = None
    if forwarding:  # the scan grades the whole space: walk it once (counted first), search the same chunks
        space = walk_within(space, forwarding_limit, "the forwarding scan",
                            "pass --no-forwarding (forwarding=False) or raise --forwarding-limit")
        fastest = fastest_solvers(space, task, budget)
    search = dovetail if isinstance(params, DovetailParams) else phases
    result, found = search(space, task, budget=budget, params=params)
    result.params.update({"task": task.name, "order": order, "states": states or task.states,
                          "budget": budget, "examples": len(task.examples)})
    if forwarding:
        add_forwarding(result, found, space, task, fastest, budget=budget)
    result.seconds = round(time.perf_counter() - start, 4)
    return result
