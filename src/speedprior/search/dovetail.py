"""The dovetailer: interleave an enumeration of programs by speed.

Round r (r = 1, 2, ...): the next L programs of the enumeration start, then every started
program that has not finished runs K more steps, oldest first. A program runs the task's
examples one after another; it finishes when it fails an example (it is dropped) or
answers them all (the search stops, within that round, at the first such program). The
steps reported are every step handed out up to that moment.

The schedule is deterministic, so instead of swapping machines in and out every round we
run each program once, as far as the schedule could ever let it run, and account exactly:
program j starts in round s_j = j // L + 1 and by the end of round r has had
K * (r - s_j + 1) steps; a solver costing c steps finishes in round s_j + ceil(c / K) - 1.
Programs starting after the best finishing round so far can never win and are not run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

from speedprior.errors import BudgetError
from speedprior.search.evaluate import Examples, as_examples, cost_to_verdict
from speedprior.search.result import SearchResult
from speedprior.search.spaces import Program

DEFAULT_MAX_ROUNDS = 1_000_000


def dovetail(space: Iterable[Program], examples: Examples, k: int = 1, l: int = 1,
             max_rounds: int = DEFAULT_MAX_ROUNDS, budget: int | None = None) -> tuple[SearchResult, Program | None]:
    """Run the dovetailer over `space` until a program solves `examples`; return the result and the program.

    `budget` (steps per example) marks a run as never stopping when exceeded: such a program
    keeps taking its K steps a round and never finishes.
    """
    if k < 1 or l < 1 or max_rounds < 1:
        raise BudgetError(f"dovetailing needs K >= 1, L >= 1 and max_rounds >= 1, got {k}, {l}, {max_rounds}")
    start = time.perf_counter()
    items = as_examples(examples)
    started: list[tuple[int, int]] = []  # (start round, cost to verdict or cap + 1) per program run
    best_round, winner, winner_program = None, None, None
    for j, program in enumerate(space):
        s = j // l + 1
        horizon = best_round if best_round is not None else max_rounds
        if s > horizon:
            break
        cost, verdict = cost_to_verdict(program.machine, items, k * (horizon - s + 1), budget)
        started.append((s, cost))
        if verdict:
            finish = s + math.ceil(cost / k) - 1
            if best_round is None or finish < best_round:  # strict: an earlier program wins a tied round
                best_round, winner, winner_program = finish, j, program
    if best_round is not None:
        last = best_round
    else:  # nobody solves: the search ends when every program has failed, or at max_rounds
        last = min(max_rounds, max((s + math.ceil(c / k) - 1 for s, c in started), default=0))
    total = 0
    for j, (s, cost) in enumerate(started):
        if s > last:
            continue
        rounds_run = last - s + 1 if winner is None or j <= winner else last - s
        total += cost if j == winner else min(cost, k * rounds_run)
    result = SearchResult(
        schedule="dovetail", found=winner is not None,
        program=winner_program.name if winner_program else None, index=winner,
        bits=winner_program.bits if winner_program else None, total_steps=int(total),
        programs_started=sum(1 for s, _ in started if s <= last), rounds=int(last),
        seconds=round(time.perf_counter() - start, 4), params={"k": k, "l": l, "max_rounds": max_rounds},
    )
    return result, winner_program
