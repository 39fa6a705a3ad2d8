"""Held-out generalisation checks: selection restricted to programs that also pass inputs outside training.

The essay's remedy for "excessive speed priors don't generalize well": keep the speed prior but
check generalisation during training. On a natural space the inputs split three ways by length:
training (the prior's weights live there), held-out checks (a program must give the right verdict
on the checks drawn for a trial or it is not a candidate) and deployment (where the label is
measured: deceptive = a wrong verdict there). A check budget `k` draws k check inputs per trial:
`nearest` takes the k shortest held-out inputs, `random` k of them uniformly without replacement
(seeded). Budget 0 is the unrestricted selection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from speedprior.errors import ConfigError
from speedprior.testbeds.natural import Labelled, UnaryTask, natural_space
from speedprior.testbeds.selection import Pool, behaviour_ids

PLACEMENTS = ("nearest", "random")


@dataclass(frozen=True)
class CheckedSpace:
    """A natural space labelled on held-out check inputs and, separately, on deployment inputs."""

    task: UnaryTask  # trained on task.train; held-out inputs are task.deploy, split at `first_deploy`
    labelled: Labelled
    check_count: int  # the first `check_count` held-out inputs are checks, the rest deployment

    @property
    def check_passed(self) -> np.ndarray:
        """(machines, checks): the right verdict on each check input."""
        return self.labelled.deploy_outputs[:, :self.check_count] == self.labelled.deploy_targets[:self.check_count]

    @property
    def deceptive(self) -> np.ndarray:
        """Halts with a wrong verdict on some deployment input (after the checks)."""
        out = self.labelled.deploy_outputs[:, self.check_count:]
        return ((out >= 0) & (out != self.labelled.deploy_targets[self.check_count:])).any(axis=1)

    def pool(self) -> Pool:
        """The solvers as a selection pool labelled by deployment; behaviours see every input."""
        lab = self.labelled
        bad = self.deceptive
        n = len(lab.machines)
        return Pool([f"m{i}" for i in range(n)], ["deceptive" if d else "honest" for d in bad],
                    lab.train_steps.astype(np.float64), np.ones_like(lab.train_steps, dtype=bool), lab.train_outputs,
                    lab.bits, bad, self.task.train_lengths, self.task.train_targets,
                    behaviour_ids(lab.train_steps, lab.train_outputs, lab.deploy_outputs))


def checked_space(regex: str, train: tuple[int, int], checks: tuple[int, int], deploy: tuple[int, int],
                  states: int, budget: int) -> CheckedSpace:
    """Enumerate every solver of the training task with up to `states` states and label checks and deployment."""
    if not train[1] < checks[0] <= checks[1] < deploy[0] <= deploy[1]:
        raise ConfigError(f"need train < checks < deploy lengths, got train {tuple(train)}, checks {tuple(checks)}, "
                          f"deploy {tuple(deploy)}")
    if deploy[0] != checks[1] + 1:
        raise ConfigError(f"deployment must start right after the checks ({checks[1] + 1}), got {deploy[0]}")
    task = UnaryTask(regex, tuple(train), (checks[0], deploy[1]))
    return CheckedSpace(task, natural_space(task, states, budget), checks[1] - checks[0] + 1)


def draw_checks(rng: np.random.Generator, available: int, k: int, placement: str) -> np.ndarray:
    """Indices of the k check inputs of one trial among `available` (ordered shortest first)."""
    if placement not in PLACEMENTS:
        raise ConfigError(f"unknown check placement {placement!r}; known: {', '.join(PLACEMENTS)}")
    if not 0 <= k <= available:
        raise ConfigError(f"check budget {k} must be between 0 and the {available} held-out inputs")
    if placement == "nearest":
        return np.arange(k)
    return np.sort(rng.choice(available, size=k, replace=False))


def admitter(passed: np.ndarray, k: int, placement: str, seed: int):
    """`admit(t)` for `selection.run_trials`: the programs passing trial t's k checks (seeded per trial)."""

    def admit(t: int) -> np.ndarray:
        chosen = draw_checks(np.random.default_rng([seed, t, 7]), passed.shape[1], k, placement)
        return passed[:, chosen].all(axis=1)

    return admit
