"""Levin's universal search in Schmidhuber's phases, and the task-level search entry point.

Phase i = 1, 2, ... gives every program of length l <= i (l = its description bits, rounded
up) a fresh run of 2^(i - l) steps, shortest programs first; the search stops at the first
program that solves the task. A program costing c steps is found in phase l + ceil(log2 c),
so the search minimises Levin's Kt = l + log2(time) up to rounding. As with the dovetailer,
each program runs once, as far as any phase could let it, and the phases are accounted
exactly (every run of every phase counts, since each phase starts its programs afresh).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

from speedprior.errors import BudgetError, UnknownNameError
from speedprior.search.dovetail import DEFAULT_MAX_ROUNDS, dovetail
from speedprior.search.evaluate import Examples, as_examples, cost_to_verdict
from speedprior.search.result import SearchResult, add_forwarding
from speedprior.search.spaces import LengthSpace, Program, TNFSpace
from speedprior.search.task import Task

DEFAULT_MAX_PHASE = 40
SCHEDULES = ("dovetail", "phases")
ORDERS = ("tnf", "length")


def _phase_of(length: int, cost: int) -> int:
    return length + max(0, math.ceil(math.log2(cost))) if cost > 1 else length


def phases(space: Iterable[Program], examples: Examples, budget: int, max_phase: int = DEFAULT_MAX_PHASE
           ) -> tuple[SearchResult, Program | None]:
    """Run Levin search in phases over `space` (any order: it is sorted by length) until a program solves."""
    if max_phase < 1 or budget < 1:
        raise BudgetError(f"phases need max_phase >= 1 and budget >= 1, got {max_phase}, {budget}")
    start = time.perf_counter()
    items = as_examples(examples)
    programs = sorted(space, key=lambda p: (math.ceil(p.bits), p.index))
    runs: list[tuple[int, int]] = []  # (length, cost to verdict or cap + 1)
    best_phase, winner = None, None
    for j, program in enumerate(programs):
        length = math.ceil(program.bits)
        horizon = best_phase if best_phase is not None else max_phase
        if length > horizon:
            break
        cost, verdict = cost_to_verdict(program.machine, items, 2 ** (horizon - length), budget)
        runs.append((length, cost))
        if verdict:
            phase = _phase_of(length, cost)
            if best_phase is None or phase < best_phase:  # strict: earlier in the phase wins a tie
                best_phase, winner = phase, j
    if best_phase is not None:
        last = best_phase
    else:  # nobody solves: the search ends when every program has failed, or at max_phase
        last = min(max_phase, max((_phase_of(n, c) for n, c in runs), default=0))
    first = runs[0][0] if runs else 1
    total = 0
    for i in range(first, last + 1):
        for j, (length, cost) in enumerate(runs):
            if length > i or (i == last and winner is not None and j > winner):
                continue
            total += cost if (i == last and j == winner) else min(cost, 2 ** (i - length))
    found = programs[winner] if winner is not None else None
    result = SearchResult(
        schedule="phases", found=found is not None, program=found.name if found else None,
        index=found.index if found else None, bits=found.bits if found else None, total_steps=int(total),
        programs_started=len(runs), rounds=max(0, last - first + 1), seconds=round(time.perf_counter() - start, 4),
        params={"max_phase": max_phase, "budget": budget, "found_phase": best_phase},
    )
    return result, found


def task_space(task: Task, order: str = "tnf", states: int | None = None) -> Iterable[Program]:
    """The program space a task's search enumerates: TNF order, or by description length."""
    if order not in ORDERS:
        raise UnknownNameError(f"unknown order {order!r}; use one of {', '.join(ORDERS)}")
    base = TNFSpace.for_task(task, states=states)
    return base if order == "tnf" else LengthSpace(base)


def levin_search(task: Task, schedule: str = "dovetail", k: int = 1, l: int = 1, order: str = "tnf",
                 states: int | None = None, max_rounds: int = DEFAULT_MAX_ROUNDS,
                 max_phase: int = DEFAULT_MAX_PHASE, forwarding: bool = True) -> SearchResult:
    """Search a task's TNF space with the dovetailer or in phases; add the forwarding figure."""
    if schedule not in SCHEDULES:
        raise UnknownNameError(f"unknown schedule {schedule!r}; use one of {', '.join(SCHEDULES)}")
    start = time.perf_counter()
    space = task_space(task, order, states)
    if schedule == "dovetail":
        result, found = dovetail(space, task, k, l, max_rounds, task.budget)
    else:
        result, found = phases(space, task, task.budget, max_phase)
    result.params.update({"task": task.name, "order": order, "states": states or task.states,
                          "budget": task.budget, "examples": len(task.examples)})
    if forwarding:
        add_forwarding(result, found, space, task)
    result.seconds = round(time.perf_counter() - start, 4)
    return result
