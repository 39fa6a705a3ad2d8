"""The dovetailer: interleave an enumeration of programs by speed.

Round r (r = 1, 2, ...): the next L programs of the enumeration start, then every started
program that has not finished runs K more steps, oldest first. A program runs the task's
examples one after another; it finishes when it fails an example (it is dropped) or
answers them all (the search stops, within that round, at the first such program). The
steps reported are every step handed out up to that moment.

The schedule is deterministic, so instead of swapping machines in and out every round we
run each program once (in compiled batches), as far as the schedule could ever let it run,
and account exactly:
program j starts in round s_j = j // L + 1 and by the end of round r has had
K * (r - s_j + 1) steps; a solver costing c steps finishes in round s_j + ceil(c / K) - 1.
Programs starting after the best finishing round so far can never win and are not run.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np

from speedprior.errors import BudgetError
from speedprior.search.chunks import program_chunks, verdict_chunk
from speedprior.search.evaluate import Examples, as_examples, example_budget
from speedprior.search.params import DovetailParams
from speedprior.search.program import Program
from speedprior.search.result import SearchResult

CHUNK = 1024  # programs graded per compiled call


def dovetail(space: Iterable[Program], examples: Examples, *, budget: int | None = None,
             params: DovetailParams = DovetailParams()) -> tuple[SearchResult, Program | None]:
    """Run the dovetailer over `space` until a program solves `examples`; return the result and the program.

    `budget` (steps per example; default the task's, else 10,000) marks a run as never stopping
    when exceeded: such a program keeps taking its K steps a round and never finishes.
    """
    if not isinstance(params, DovetailParams):
        raise BudgetError(f"dovetail takes DovetailParams, got {params!r}")
    k, l, max_rounds = params.k, params.l, params.max_rounds
    start = time.perf_counter()
    items = as_examples(examples)
    budget = example_budget(examples, budget)
    rounds_started, costs = [], []  # per program run: its start round, its cost to a verdict (or cap + 1)
    best_round, winner, winner_program, position = None, None, None, 0
    for chunk in program_chunks(space, CHUNK):
        horizon = best_round if best_round is not None else max_rounds
        s = (position + np.arange(len(chunk), dtype=np.int64)) // l + 1
        rows = np.flatnonzero(s <= horizon)
        if rows.size == 0:
            break
        part = chunk if rows.size == len(chunk) else chunk.take(rows)
        cost, result = verdict_chunk(part, items, k * (horizon - s[rows] + 1), budget)
        finish = s[rows] + -(-cost // k) - 1
        solved = np.flatnonzero(result == 1)
        if solved.size:
            first = solved[np.argmin(finish[solved])]  # argmin keeps the earliest program of a tied round
            if best_round is None or finish[first] < best_round:
                best_round, winner = int(finish[first]), position + int(rows[first])
                winner_program = part.program(int(first))
        rounds_started.append(s[rows])
        costs.append(cost)
        position += len(chunk)
    s = np.concatenate(rounds_started) if rounds_started else np.zeros(0, np.int64)
    cost = np.concatenate(costs) if costs else np.zeros(0, np.int64)
    if best_round is not None:
        last = best_round
    else:  # nobody solves: the search ends when every program has failed, or at max_rounds
        last = int(min(max_rounds, (s + -(-cost // k) - 1).max(initial=0)))
    j = np.arange(len(s))
    active = s <= last
    # Programs up to the winner get round `last`; those after it stop one round short.
    rounds_run = last - s + 1 if winner is None else np.where(j <= winner, last - s + 1, last - s)
    given = np.minimum(cost, k * rounds_run)
    if winner is not None:
        given[winner] = cost[winner]
    result = SearchResult(
        schedule="dovetail", found=winner is not None,
        program=winner_program.name if winner_program else None, index=winner,
        bits=winner_program.bits if winner_program else None, total_steps=int(given[active].sum()),
        programs_started=int(active.sum()), rounds=int(last),
        seconds=round(time.perf_counter() - start, 4), params={"k": k, "l": l, "max_rounds": max_rounds},
    )
    return result, winner_program
