"""The selection experiment: which program does each prior pick, over many random task distributions?

A `Pool` holds measured programs (costs and verdicts on every training input, description
bits, measured misbehaviour labels). Each trial draws a task distribution; the solvers are
the programs with the correct verdict on every input of positive weight; each prior picks a
minimal-score solver, ties broken uniformly at random with a seeded generator. Rates come
with 95% Wilson intervals; ties are reported because they are where the randomness enters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from speedprior.errors import SpeedpriorError
from speedprior.measure.profile import CostProfile
from speedprior.priors import Candidate, CandidateBatch, Prior, get_prior
from speedprior.priors import minimal as minimal_scores


def wilson(successes: int, trials: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval for a binomial rate (95% by default)."""
    if trials <= 0:
        return (0.0, 1.0)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    # The exact ends at 0 and n successes, free of rounding noise.
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == trials else min(1.0, centre + half)
    return (lo, hi)


@dataclass(frozen=True)
class Pool:
    """Measured programs: per-input costs, halting, verdicts; description bits; ground-truth labels."""

    names: list[str]
    kinds: list[str]
    costs: np.ndarray  # (programs, inputs)
    halted: np.ndarray
    outputs: np.ndarray
    bits: np.ndarray
    misbehaving: np.ndarray  # bool per program, measured
    keys: np.ndarray  # partition key per input (its length)
    targets: np.ndarray  # correct verdict per input

    def __post_init__(self):
        shape = (len(self.names), len(self.keys))
        for name in ("costs", "halted", "outputs"):
            if getattr(self, name).shape != shape:
                raise SpeedpriorError(f"pool {name} has shape {getattr(self, name).shape}, expected {shape}")

    @classmethod
    def from_truths(cls, truths: Sequence, keys: np.ndarray, targets: np.ndarray) -> Pool:
        """A pool from `truth.Truth` labels (any objects with name, kind, train, misbehaving, bits)."""
        return cls(
            names=[t.name for t in truths], kinds=[t.kind for t in truths],
            costs=np.stack([t.train.costs for t in truths]), halted=np.stack([t.train.halted for t in truths]),
            outputs=np.stack([t.train.outputs for t in truths]),
            bits=np.array([t.description_bits for t in truths], dtype=np.float64),
            misbehaving=np.array([t.misbehaving for t in truths], dtype=bool),
            keys=np.asarray(keys), targets=np.asarray(targets),
        )

    def subset(self, keep: Sequence[int]) -> Pool:
        """The pool restricted to the programs at `keep`."""
        keep = list(keep)
        return Pool([self.names[i] for i in keep], [self.kinds[i] for i in keep], self.costs[keep],
                    self.halted[keep], self.outputs[keep], self.bits[keep], self.misbehaving[keep],
                    self.keys, self.targets)

    def solvers(self, weights: np.ndarray) -> np.ndarray:
        """Indices of the programs with the correct verdict on every input of positive weight."""
        support = weights > 0
        return np.flatnonzero(((self.outputs == self.targets) & self.halted)[:, support].all(axis=1))

    def batch(self, weights: np.ndarray) -> tuple[CandidateBatch, np.ndarray]:
        """The solvers under `weights` as a prior's CandidateBatch, and their indices in the pool."""
        indices = self.solvers(weights)
        batch = CandidateBatch(tuple(self.names[i] for i in indices), self.costs[indices], self.halted[indices],
                               weights, self.bits[indices], {"misbehaving": self.misbehaving[indices]})
        return batch, indices

    def candidates(self, weights: np.ndarray) -> tuple[list[Candidate], np.ndarray]:
        """The solvers under `weights` as prior candidates, and their indices in the pool."""
        indices = self.solvers(weights)
        candidates = [
            Candidate(self.names[i], CostProfile(self.costs[i], self.halted[i], self.keys, weights),
                      float(self.bits[i]), info={"misbehaving": bool(self.misbehaving[i]), "kind": self.kinds[i]})
            for i in indices
        ]
        return candidates, indices


@dataclass(frozen=True)
class PriorResult:
    """One prior over all trials: what it selected, how many ties it faced."""

    prior: str
    selected: np.ndarray  # pool index per trial
    ties: np.ndarray  # size of the minimal set per trial
    tie_misbehaving: np.ndarray  # fraction of the minimal set that misbehaves, per trial
    misbehaving: np.ndarray  # pool labels

    @property
    def trials(self) -> int:
        return int(self.selected.size)

    @property
    def misbehaving_selected(self) -> int:
        return int(self.misbehaving[self.selected].sum())

    def summary(self, names: Sequence[str] | None = None, kinds: Sequence[str] | None = None) -> dict:
        """Rate with its Wilson interval, tie statistics, and which kinds were picked."""
        k, n = self.misbehaving_selected, self.trials
        lo, hi = wilson(k, n)
        out = {
            "misbehaving_rate": k / n if n else 0.0, "ci": [lo, hi], "trials": n,
            # The expected rate given the tie sets: what infinitely many tie-breaks would give.
            "tie_averaged_rate": float(self.tie_misbehaving.mean()) if n else 0.0,
            "trials_with_ties": int((self.ties > 1).sum()),
            "mean_tie_size": float(self.ties.mean()) if n else 0.0,
            "trials_tie_honest_and_misbehaving": int(((self.tie_misbehaving > 0) & (self.tie_misbehaving < 1)).sum()),
        }
        if kinds is not None:
            picked: dict[str, int] = {}
            for i in self.selected:
                picked[kinds[i]] = picked.get(kinds[i], 0) + 1
            out["selected_kinds"] = dict(sorted(picked.items()))
        return out


def run_trials(
    pool: Pool,
    priors: Sequence[str | Prior],
    sample: Callable[[np.random.Generator], np.ndarray],
    trials: int,
    seed: int = 0,
    progress: Callable | None = None,
) -> dict[str, PriorResult]:
    """Run `trials` selections per prior; `sample(rng)` draws one task distribution (weights per input)."""
    if trials < 1:
        raise SpeedpriorError(f"trials must be at least 1, got {trials}")
    resolved = [get_prior(p) for p in priors]
    labels = [p if isinstance(p, str) else p.name for p in priors]
    selected = np.zeros((len(resolved), trials), dtype=np.int64)
    ties = np.zeros((len(resolved), trials), dtype=np.int64)
    tie_bad = np.zeros((len(resolved), trials))
    steps = range(trials) if progress is None else progress(range(trials))
    for t in steps:
        weights = sample(np.random.default_rng([seed, t]))
        batch, indices = pool.batch(weights)
        if not len(batch):
            raise SpeedpriorError(f"trial {t}: no program in the pool solves the task distribution")
        for j, prior in enumerate(resolved):
            minimal = minimal_scores(prior.score_batch(batch))
            choice = int(np.random.default_rng([seed, t, j, 1]).choice(minimal))  # as Prior.select
            selected[j, t] = indices[choice]
            ties[j, t] = minimal.size
            tie_bad[j, t] = pool.misbehaving[indices[minimal]].mean()
    return {label: PriorResult(label, selected[j], ties[j], tie_bad[j], pool.misbehaving)
            for j, label in enumerate(labels)}


def select_once(pool: Pool, weights: np.ndarray, prior: str | Prior, seed: int = 0) -> tuple[str, list[str]]:
    """One selection: the chosen program's name and the names of every tied minimal program."""
    candidates, indices = pool.candidates(np.asarray(weights, dtype=np.float64))
    if not candidates:
        raise SpeedpriorError("no program in the pool solves the task distribution")
    prior = get_prior(prior)
    minimal = prior.minimal(candidates)
    choice = prior.select(candidates, np.random.default_rng(seed))
    return pool.names[indices[choice]], [pool.names[indices[i]] for i in minimal]
