"""Computational annealing (Proposal 0): search P_C, the programs using at most C computation.

P_C holds the candidates whose computation (by default their average steps under the task
distribution; any Prior can measure it) is at most C. A probe searches P_C in enumeration
order and returns the first program reaching the performance level. The schedule raises C
by a factor `grow` until a probe succeeds; the refinement then lowers C by `shrink` until no
program in P_C succeeds, and raises it again by the slower factor `slow` until one does
(each further cycle takes the square root of the last factor). The selected program is the
one the last probe returned: with a slow enough final rate it is the average-minimal solver.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from speedprior.errors import BudgetError
from speedprior.measure.profile import CostProfile
from speedprior.priors import AverageSpeed, Candidate, CandidateBatch, Prior
from speedprior.search.chunks import grade_chunk, program_chunks
from speedprior.search.evaluate import example_budget
from speedprior.search.levin import task_space, walk_within
from speedprior.search.params import AnnealSchedule
from speedprior.search.task import Task

MAX_PROGRAMS = 1_000_000  # programs an annealing run grades and keeps (about 130 bytes each)


@dataclass(frozen=True)
class Probe:
    """One point of the C trajectory."""

    c: float
    stage: str  # "increase", "decrease" or "refine"
    size: int  # |P_C|
    successes: int  # programs in P_C at the performance level
    found: str | None  # the first of them in enumeration order


@dataclass
class AnnealResult:
    """The C trajectory and the program selected by the last probe."""

    trajectory: list[Probe]
    selected: str | None
    selected_index: int | None
    selected_cost: float | None
    c_final: float | None
    minimal_cost: float | None  # the smallest cost of any candidate at the performance level
    seconds: float = 0.0
    params: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The JSON form printed by `speedprior search anneal`."""
        out = asdict(self)
        out["c_trajectory"] = [p.c for p in self.trajectory]
        return out


def anneal(candidates: Sequence[Candidate], *, performance: Callable[[Candidate], float] | str = "performance",
           level: float = 1.0, measure: Prior | None = None, schedule: AnnealSchedule = AnnealSchedule()
           ) -> AnnealResult:
    """Anneal C over `candidates` (in enumeration order) until a program reaches `level`.

    `performance` reads a candidate's score (a function, or a key of `candidate.info`);
    `measure` (a Prior, default AverageSpeed) is each candidate's computation.
    """
    _check_level(level)
    measure = measure or AverageSpeed()
    score = performance if callable(performance) else (lambda c: float(c.info[performance]))
    costs = measure.scores(candidates) if candidates else np.zeros(0)
    good = np.array([score(c) >= level for c in candidates], dtype=bool)
    result = anneal_costs(costs, good, lambda i: candidates[i].name, schedule=schedule)
    result.params.update({"level": level, "measure": measure.name})
    return result


def _check_level(level: float) -> None:
    if isinstance(level, bool) or not isinstance(level, int | float) or not math.isfinite(level):
        raise BudgetError(f"performance level must be a finite number, got {level!r}")


def anneal_costs(costs: np.ndarray, good: np.ndarray, name_of: Callable[[int], str], *,
                 schedule: AnnealSchedule = AnnealSchedule()) -> AnnealResult:
    """The schedule itself, over each program's computation (`costs`) and whether it is at the level (`good`)."""
    if not isinstance(schedule, AnnealSchedule):
        raise BudgetError(f"annealing takes an AnnealSchedule, got {schedule!r}")
    c0, grow, shrink, slow = schedule.c0, schedule.grow, schedule.shrink, schedule.slow
    refine, cycles, max_probes = schedule.refine, schedule.cycles, schedule.max_probes
    start = time.perf_counter()
    trajectory: list[Probe] = []

    def probe(c: float, stage: str) -> int | None:
        if len(trajectory) >= max_probes:
            raise BudgetError(f"annealing made {max_probes} probes without settling; raise c0 or the rates")
        inside = costs <= c
        hits = np.flatnonzero(inside & good)
        first = int(hits[0]) if hits.size else None
        trajectory.append(Probe(round(float(c), 6), stage, int(inside.sum()), int(hits.size),
                                name_of(first) if first is not None else None))
        return first

    c, found = c0, None
    if bool((good & np.isfinite(costs)).any()):
        found = probe(c, "increase")
        while found is None:
            c *= grow
            found = probe(c, "increase")
        rate = slow
        for _ in range(cycles if refine else 0):
            while found is not None:  # lower C until nothing at the level is left in P_C
                c *= shrink
                found = probe(c, "decrease")
            while found is None:
                c *= rate
                found = probe(c, "refine")
            rate = math.sqrt(rate)
    minimal = float(costs[good].min()) if good.any() else None
    return AnnealResult(
        trajectory=trajectory, selected=name_of(found) if found is not None else None,
        selected_index=found, selected_cost=round(float(costs[found]), 9) if found is not None else None,
        c_final=trajectory[-1].c if trajectory else None,
        minimal_cost=round(minimal, 9) if minimal is not None and math.isfinite(minimal) else None,
        seconds=round(time.perf_counter() - start, 4),
        params={"c0": c0, "grow": grow, "shrink": shrink, "slow": slow, "refine": refine, "cycles": cycles},
    )


def task_candidates(task: Task, *, budget: int | None = None, order: str = "tnf", states: int | None = None
                    ) -> list[Candidate]:
    """Every program of a task's space as a Candidate: steps profile and performance (weighted accuracy)."""
    weights = task.weights
    keys = np.arange(len(task.examples))
    budget = example_budget(task, budget)
    out = []
    for chunk in program_chunks(task_space(task, order, states)):
        steps, halted, correct = grade_chunk(chunk, task, budget)
        accuracy = correct @ weights
        for i in range(len(chunk)):
            program = chunk.program(i)
            out.append(program.candidate(CostProfile(steps[i], halted[i], keys, weights),
                                         performance=float(accuracy[i]), index=program.index))
    return out


def task_costs(task: Task, *, budget: int | None = None, order: str = "tnf", states: int | None = None,
               level: float = 1.0, measure: Prior | None = None, max_programs: int = MAX_PROGRAMS
               ) -> tuple[np.ndarray, np.ndarray, Callable[[int], str]]:
    """Every program of a task's space: its computation under `measure`, whether it reaches `level`, its name.

    Programs are graded chunk by chunk and scored by the prior's batch form; only the scores,
    the flags and the compact tables stay in memory. More than `max_programs` is refused.
    """
    _check_level(level)
    measure = measure or AverageSpeed()
    budget = example_budget(task, budget)
    weights = task.weights
    chunks = walk_within(task_space(task, order, states), max_programs, f"annealing over the space of {task.name!r}",
                         "use fewer states or raise the limit (--max-programs)").parts
    costs, good = [], []
    for chunk in chunks:
        steps, halted, correct = grade_chunk(chunk, task, budget)
        batch = CandidateBatch(("",) * len(chunk), steps, halted, weights, chunk.bits)
        costs.append(measure.score_batch(batch))
        good.append(correct @ weights >= level)
    bounds = np.cumsum([0] + [len(c) for c in chunks])

    def name_of(i: int) -> str:
        k = int(np.searchsorted(bounds, i, side="right")) - 1
        return chunks[k].program(i - int(bounds[k])).name

    if not chunks:
        return np.zeros(0), np.zeros(0, bool), name_of
    return np.concatenate(costs), np.concatenate(good), name_of


def anneal_task(task: Task, *, budget: int | None = None, order: str = "tnf", states: int | None = None,
                level: float = 1.0, measure: Prior | None = None, schedule: AnnealSchedule = AnnealSchedule(),
                max_programs: int = MAX_PROGRAMS) -> AnnealResult:
    """Computational annealing over a task's program space (average steps by default)."""
    start = time.perf_counter()
    measure = measure or AverageSpeed()
    costs, good, name_of = task_costs(task, budget=budget, order=order, states=states, level=level, measure=measure,
                                      max_programs=max_programs)
    result = anneal_costs(costs, good, name_of, schedule=schedule)
    result.params.update({"level": level, "measure": measure.name, "task": task.name, "order": order,
                          "states": states or task.states, "budget": example_budget(task, budget),
                          "programs": len(costs)})
    result.seconds = round(time.perf_counter() - start, 4)
    return result
