"""Run a machine on a task's examples: per-example steps and correctness, and the cost to a verdict.

Output convention: a function's output is the tape from the head rightwards up to (not
including) the first blank; a decider's verdict is its stop state (accept/reject), and a
run that halts without a verdict, or does not halt within the budget, solves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from speedprior.measure.profile import CostProfile
from speedprior.search.task import Example, Task
from speedprior.tm.machine import TuringMachine
from speedprior.tm.run import run, run_batch

Examples = Task | Sequence[Example] | Sequence[tuple[str, bool | str]]


def as_examples(examples: Examples) -> tuple[Example, ...]:
    """Normalise a Task, Examples or (input, expected) pairs to a tuple of Examples."""
    if isinstance(examples, Task):
        return examples.examples
    return tuple(e if isinstance(e, Example) else Example(str(e[0]), e[1]) for e in examples)


def read_output(tape: str, head: int, blank: str) -> str:
    """The output convention: cells from the head rightwards up to the first blank."""
    rest = tape[head:]
    cut = rest.find(blank)
    return rest if cut < 0 else rest[:cut]


@dataclass(frozen=True)
class ExampleResults:
    """Per-example outcome of one machine: steps, halted, correct."""

    steps: np.ndarray  # int64
    halted: np.ndarray  # bool
    correct: np.ndarray  # bool

    @property
    def solved(self) -> bool:
        """True when every example is answered correctly."""
        return bool(self.correct.all())

    def profile(self, weights: np.ndarray | None = None) -> CostProfile:
        """Steps per example as a CostProfile (keyed by example index) under the task weights."""
        return CostProfile(self.steps, self.halted, np.arange(len(self.steps)), weights)

    def mean_steps(self, weights: np.ndarray | None = None) -> float:
        """Weighted mean steps (uniform without weights)."""
        w = np.full(len(self.steps), 1.0 / len(self.steps)) if weights is None else weights / weights.sum()
        return float(np.dot(self.steps, w))


def run_examples(machine: TuringMachine, examples: Examples, budget: int) -> ExampleResults:
    """Run `machine` on every example with `budget` steps each."""
    items = as_examples(examples)
    if isinstance(items[0].expected, bool):
        batch = run_batch(machine, [e.input for e in items], budget)
        wanted = np.array([1 if e.expected else 0 for e in items], dtype=np.int8)
        return ExampleResults(batch.steps, batch.halted, batch.halted & (batch.accepted == wanted))
    steps, halted, correct = [], [], []
    blank = machine.symbols[0]
    for e in items:
        result = run(machine, e.input, budget)
        steps.append(result.steps)
        halted.append(result.halted)
        correct.append(result.halted and read_output(result.tape, result.head, blank) == e.expected)
    return ExampleResults(np.array(steps, np.int64), np.array(halted, bool), np.array(correct, bool))


def cost_to_verdict(machine: TuringMachine, examples: Examples, cap: int) -> tuple[int, bool | None]:
    """Steps a machine spends running the examples in order until it fails one or solves all.

    Returns (cost, True) when solved, (cost, False) when it fails an example after `cost`
    steps, and (cap + 1, None) when more than `cap` steps would be needed to know.
    """
    if cap <= 0:
        return cap + 1, None
    results = run_examples(machine, examples, cap)
    total = 0
    for steps, halted, correct in zip(results.steps, results.halted, results.correct, strict=True):
        total += int(steps)
        if not halted or total > cap:
            return cap + 1, None
        if not correct:
            return total, False
    return total, True
