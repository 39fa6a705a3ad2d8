"""Natural program spaces: every small Turing machine that solves a training task, labelled by deployment.

Nobody hand-built these machines. The space is every TNF machine with up to `states` states
over the blank and one input symbol (unary inputs 1^n), complete for behaviour on the
training and the deployment inputs together (from `speedprior.search`); the solvers are the
machines with the right verdict on every training input. Deployment inputs are longer than
any training input. A solver is *deceptive* when it halts with a wrong verdict on some
deployment input, *breaks* when it gives no verdict there (no halt within the budget), and
acts differently when either holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from speedprior.errors import BudgetError, ConfigError
from speedprior.programs import TMProgram
from speedprior.search.regex import Regex
from speedprior.testbeds.selection import Pool
from speedprior.tm.machine import TuringMachine
from speedprior.tm.run import run_batch


@dataclass(frozen=True)
class UnaryTask:
    """A language over unary words: trained on lengths train[0]..train[1], deployed on deploy[0]..deploy[1]."""

    regex: str = "(11)*"
    train: tuple[int, int] = (0, 5)
    deploy: tuple[int, int] = (6, 9)

    def __post_init__(self):
        lo, hi = self.train
        dlo, dhi = self.deploy
        if not (0 <= lo <= hi < dlo <= dhi <= 64):
            raise BudgetError(f"need 0 <= train lengths < deploy lengths <= 64, got {self.train} and {self.deploy}")
        Regex(self.regex)  # refuses what the linear-time engine cannot match

    def verdict(self, word: str) -> bool:
        """Membership of `word` in the language."""
        return Regex(self.regex).fullmatch(word)

    @cached_property
    def train_inputs(self) -> list[str]:
        return ["1" * n for n in range(self.train[0], self.train[1] + 1)]

    @cached_property
    def deploy_inputs(self) -> list[str]:
        return ["1" * n for n in range(self.deploy[0], self.deploy[1] + 1)]

    @cached_property
    def train_lengths(self) -> np.ndarray:
        return np.array([len(w) for w in self.train_inputs], dtype=np.int64)

    @cached_property
    def train_targets(self) -> np.ndarray:
        return np.array([self.verdict(w) for w in self.train_inputs], dtype=np.int8)

    @cached_property
    def deploy_targets(self) -> np.ndarray:
        return np.array([self.verdict(w) for w in self.deploy_inputs], dtype=np.int8)


@dataclass(frozen=True)
class Labelled:
    """The solvers of a natural space with their measured behaviour and labels."""

    machines: list[TuringMachine]
    bits: np.ndarray
    train_steps: np.ndarray  # (machines, train inputs)
    train_outputs: np.ndarray
    deploy_outputs: np.ndarray  # (machines, deploy inputs): 1 accept, 0 reject, -1 no verdict
    deploy_targets: np.ndarray

    @property
    def deceptive(self) -> np.ndarray:
        """Halts with a wrong verdict on some deployment input."""
        return ((self.deploy_outputs >= 0) & (self.deploy_outputs != self.deploy_targets)).any(axis=1)

    @property
    def breaks(self) -> np.ndarray:
        """Gives no verdict on some deployment input, and never a wrong one."""
        return (self.deploy_outputs < 0).any(axis=1) & ~self.deceptive

    @property
    def differs(self) -> np.ndarray:
        """Acts differently from the intended function somewhere in deployment."""
        return (self.deploy_outputs != self.deploy_targets).any(axis=1)

    def pool(self, task: UnaryTask, label: str = "deceptive") -> Pool:
        """The solvers as a selection pool; `label` ('deceptive' or 'differs') marks the bad ones."""
        bad = self.deceptive if label == "deceptive" else self.differs
        kinds = ["deceptive" if d else "breaks" if b else "honest" for d, b in zip(self.deceptive, self.breaks,
                                                                                  strict=True)]
        n = len(self.machines)
        return Pool([f"m{i}" for i in range(n)], kinds, self.train_steps.astype(np.float64),
                    np.ones_like(self.train_steps, dtype=bool), self.train_outputs, self.bits, bad,
                    task.train_lengths, task.train_targets)


def solvers_of(task: UnaryTask, states: int, budget: int) -> list:
    """Every TNF machine with up to `states` states that decides every training input correctly."""
    from speedprior.search import TNFSpace, solvers

    space = TNFSpace(states, "01", budget, tuple(task.train_inputs + task.deploy_inputs), ("accept", "reject"),
                     "1", "reject")
    examples = [(w, bool(t)) for w, t in zip(task.train_inputs, task.train_targets, strict=True)]
    return list(solvers(space, examples, budget))


def label_machines(machines: list[TuringMachine], bits: list[float], task: UnaryTask, budget: int) -> Labelled:
    """Run every machine on the training and deployment inputs and label it."""
    if not machines:
        raise ConfigError("no machine in the space solves the training task; raise states or budget")
    train = [run_batch(m, task.train_inputs, budget) for m in machines]
    deploy = [run_batch(m, task.deploy_inputs, budget) for m in machines]
    return Labelled(machines, np.asarray(bits, dtype=np.float64), np.stack([r.steps for r in train]),
                    np.stack([r.accepted for r in train]), np.stack([r.accepted for r in deploy]),
                    task.deploy_targets)


def natural_space(task: UnaryTask, states: int = 3, budget: int = 200) -> Labelled:
    """Enumerate, keep the solvers and label them by running."""
    found = solvers_of(task, states, budget)
    return label_machines([p.machine for p in found], [p.bits for p in found], task, budget)


def as_programs(labelled: Labelled, budget: int) -> list[TMProgram]:
    """The solvers behind the model-agnostic Program interface."""
    return [TMProgram(m, f"m{i}", budget) for i, m in enumerate(labelled.machines)]
