"""What a search reports: the program found, the steps spent, and the forwarding figure.

The forwarding figure compares the found program with the fastest solver in the same
enumeration: its mean steps (under the task distribution) and max steps against the
smallest mean and the smallest max over every solver. A ratio of 1 means the search
"forwarded" the speed prior: what it found is as fast as anything it could have found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import numpy as np

from speedprior.search.evaluate import as_examples, example_budget, run_examples
from speedprior.search.spaces import Program, solvers
from speedprior.search.task import Task


@dataclass
class SearchResult:
    """The outcome of a dovetailing or phased search."""

    schedule: str
    found: bool
    program: str | None
    index: int | None  # position of the found program in the search's enumeration order
    bits: float | None
    total_steps: int  # every step every program was given, up to the moment the solver finished
    programs_started: int
    rounds: int  # dovetail rounds, or Levin phases, that were run
    found_mean_steps: float | None = None
    found_max_steps: int | None = None
    fastest_mean_steps: float | None = None
    fastest_max_steps: int | None = None
    fastest_program: str | None = None
    forwarding_mean: float | None = None  # found / fastest mean steps
    forwarding_max: float | None = None
    solvers: int | None = None
    seconds: float = 0.0
    params: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The JSON form printed by `speedprior search levin`."""
        return asdict(self)


def fastest_solvers(space: Iterable[Program], task: Task, budget: int | None = None
                    ) -> tuple[int, Program | None, float, int]:
    """Scan every solver of `space`: (count, fastest by mean, its mean, the smallest max)."""
    weights = task.weights
    count, best, best_mean, best_max = 0, None, np.inf, np.iinfo(np.int64).max
    for program in solvers(space, task, example_budget(task, budget)):
        steps = program.info["steps"]
        mean = round(float(np.dot(steps, weights)), 9)  # drop float dust from normalising
        count += 1
        if mean < best_mean:
            best, best_mean = program, mean
        best_max = min(best_max, int(steps.max()))
    return count, best, best_mean, best_max


def add_forwarding(result: SearchResult, found: Program | None, space: Iterable[Program], task: Task,
                   fastest: tuple | None = None, *, budget: int | None = None) -> None:
    """Fill in the found program's mean/max steps and compare them with the fastest solver in `space`.

    `fastest` is `fastest_solvers(space, task)` when already known (then `space` is not scanned).
    """
    budget = example_budget(task, budget)
    count, best, best_mean, best_max = fastest if fastest is not None else fastest_solvers(space, task, budget)
    result.solvers = count
    if best is not None:
        result.fastest_mean_steps, result.fastest_max_steps = best_mean, best_max
        result.fastest_program = best.name
    if found is not None:
        steps = run_examples(found.machine, as_examples(task), budget).steps
        result.found_mean_steps = round(float(np.dot(steps, task.weights)), 9)
        result.found_max_steps = int(steps.max())
        if best is not None:
            result.forwarding_mean = result.found_mean_steps / best_mean
            result.forwarding_max = result.found_max_steps / best_max
