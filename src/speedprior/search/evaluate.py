"""Run a machine on a task's examples: per-example steps and correctness, and the cost to a verdict.

Output convention: a function's output is the tape from the head rightwards up to (not
including) the first blank; a decider's verdict is its stop state (accept/reject), and a
run that halts without a verdict, or does not halt within the budget, solves nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from speedprior.errors import BudgetError
from speedprior.measure.profile import CostProfile
from speedprior.search import _kernels
from speedprior.search.encoding import encode_words, pack
from speedprior.search.task import Example, Task
from speedprior.tm.machine import TuringMachine
from speedprior.tm.run import run

Examples = Task | Sequence[Example] | Sequence[tuple[str, bool | str]]
DEFAULT_EXAMPLE_BUDGET = 10_000  # steps per example when neither the caller nor a task gives one
MAX_EXAMPLE_BUDGET = 1 << 24


def example_budget(examples: Examples, budget: int | None = None) -> int:
    """The step budget per example: `budget` if given, else the task's, else 10,000 (checked)."""
    if budget is None:
        budget = examples.budget if isinstance(examples, Task) else DEFAULT_EXAMPLE_BUDGET
    if isinstance(budget, bool) or not isinstance(budget, int | np.integer) or not 1 <= budget <= MAX_EXAMPLE_BUDGET:
        raise BudgetError(f"step budget per example must be an integer in 1..{MAX_EXAMPLE_BUDGET}, got {budget!r}")
    return int(budget)


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
    """Run `machine` on every example with `budget` steps each (compiled, serial: runs here are short)."""
    items = as_examples(examples)
    budget = int(budget)
    if not 0 <= budget <= 1 << 24:
        raise BudgetError(f"budget per example must lie in 0..{1 << 24}, got {budget}")
    if machine.n_tapes != 1:
        return run_examples_general(machine, items, budget)
    words, offsets, outputs, out_offsets, verdicts = encoded_examples(items, machine.symbols, machine.input_symbols)
    n = len(items)
    steps, stops, correct = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, bool)
    _kernels.eval_words(machine.next_state.reshape(-1), machine.write.reshape(-1), machine.move.reshape(-1).astype(
        np.int64), machine.n_symbols, machine.undefined_code, words, offsets, budget, verdicts, outputs, out_offsets,
        steps, stops, correct)
    return ExampleResults(steps, stops < 0, correct)


@functools.lru_cache(maxsize=16)
def encoded_examples(items: tuple[Example, ...], symbols: tuple[str, ...], input_symbols: tuple[str, ...]):
    """Examples as kernel arrays: (words, offsets, outputs, output offsets, verdicts), read-only, cached."""
    # A search grades thousands of machines on the same examples: encode them once per alphabet.
    index = {s: i for i, s in enumerate(symbols)}
    words, offsets = encode_words([e.input for e in items], symbols, input_symbols)
    outputs, out_offsets = pack([_encode_output(e.expected, index) for e in items])
    verdicts = np.array([(1 if e.expected else 0) if isinstance(e.expected, bool) else -1 for e in items], np.int64)
    for array in (words, offsets, outputs, out_offsets, verdicts):
        array.flags.writeable = False  # shared between calls
    return words, offsets, outputs, out_offsets, verdicts


def _encode_output(expected: bool | str, index: dict[str, int]) -> np.ndarray:
    # A symbol the machine lacks, or the blank (outputs end at the first blank), becomes 255,
    # which no tape cell holds: the example cannot be met.
    if isinstance(expected, bool):
        return np.zeros(0, np.uint8)
    return np.array([index.get(ch, 0) or 255 for ch in expected], np.uint8)


def run_examples_general(machine: TuringMachine, examples: Examples, budget: int) -> ExampleResults:
    """`run_examples` through the general k-tape runner (`tm.run`), one run per example."""
    items = as_examples(examples)
    steps, halted, correct = [], [], []
    blank = machine.symbols[0]
    for e in items:
        result = run(machine, e.input, budget)
        steps.append(result.steps)
        halted.append(result.halted)
        if isinstance(e.expected, bool):
            correct.append(result.accepted is e.expected)
        else:
            correct.append(result.halted and read_output(result.tape, result.head, blank) == e.expected)
    return ExampleResults(np.array(steps, np.int64), np.array(halted, bool), np.array(correct, bool))


def cost_to_verdict(machine: TuringMachine, examples: Examples, cap: int, budget: int | None = None
                    ) -> tuple[int, bool | None]:
    """Steps a machine spends running the examples in order until it fails one or solves all.

    Returns (cost, True) when solved, (cost, False) when it fails an example after `cost`
    steps, and (cap + 1, None) when more than `cap` steps would be needed to know. A run
    longer than `budget` steps on one example counts as never stopping (cost beyond any cap).
    """
    if cap <= 0:
        return cap + 1, None
    limit = cap if budget is None else min(cap, budget)
    results = run_examples(machine, examples, limit)
    total = 0
    for steps, halted, correct in zip(results.steps, results.halted, results.correct, strict=True):
        total += int(steps)
        if not halted or total > cap:
            return cap + 1, None
        if not correct:
            return total, False
    return total, True
