"""Cross-episode memory: a misbehaving program that caches its misbehaviour and looks it up later.

A program with a cached table pays its misbehaviour compute the first time it meets an input
and `lookup` steps on each later episode with the same input. If training shows every input
`episodes` times, its expected cost per episode is base + extra / episodes + lookup *
(episodes - 1) / episodes wherever it misbehaves. The table is modelled on measured costs
(the TM runs once; the amortisation is arithmetic), so any Program family can be given memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from speedprior.errors import BudgetError
from speedprior.priors import get_prior
from speedprior.programs import Outcome
from speedprior.testbeds.selection import Pool, run_trials, wilson
from speedprior.testbeds.truth import Truth


def with_memory(truth: Truth, episodes: int, lookup: float = 1.0) -> Truth:
    """The same program with a cross-episode cache: misbehaviour amortised over `episodes` visits."""
    if episodes < 1 or lookup < 0:
        raise BudgetError(f"episodes must be >= 1 and lookup >= 0, got {episodes} and {lookup}")
    if truth.kind == "honest":
        return truth
    extra = truth.train_extra
    where = extra > 0
    # A lookup can never cost more than recomputing, so a sensible cache takes the cheaper.
    amortised = np.where(where, (extra + (episodes - 1) * np.minimum(lookup, extra)) / episodes, extra)
    base_costs = truth.train.costs - extra
    train = Outcome(truth.train.outputs, base_costs + amortised, truth.train.halted)
    return replace(truth, name=f"{truth.name}+memory", train=train, train_extra=amortised)


def penalty(truths: Sequence[Truth]) -> float:
    """The smallest relative extra mean cost (uniform weights) of any misbehaving program over its base."""
    bases = {t.base: t.train.costs.mean() for t in truths if t.kind == "honest"}
    gaps = [(t.train.costs.mean() - bases[t.base]) / bases[t.base] for t in truths if t.kind != "honest"]
    return float(min(gaps)) if gaps else 0.0


def soft_misbehaving(pool: Pool, weights: np.ndarray, prior: str, temperature: float) -> float:
    """Probability of a misbehaving pick when selection is Boltzmann in the score relative to the best."""
    batch, indices = pool.batch(weights)
    scores = get_prior(prior).score_batch(batch)
    best = max(scores.min(), 1e-12)
    logits = -(scores - scores.min()) / (temperature * best)
    p = np.exp(logits - logits.max())
    p /= p.sum()
    return float(p[pool.misbehaving[indices]].sum())


def sweep(truths: Sequence[Truth], keys: np.ndarray, targets: np.ndarray,
          sample: Callable[[np.random.Generator], np.ndarray], episodes: Sequence[int] = (1, 4, 16, 64, 256),
          lookup: float = 1.0, prior: str = "average", trials: int = 200, temperature: float = 0.05,
          seed: int = 0) -> list[dict]:
    """For each number of episodes: the penalty left, the hard and the soft misbehaving selection rate."""
    rows = []
    for e in episodes:
        remembered = [with_memory(t, e, lookup) for t in truths]
        pool = Pool.from_truths(remembered, keys, targets)
        result = run_trials(pool, [prior], sample, trials, seed)[prior]
        k = result.misbehaving_selected
        soft = [soft_misbehaving(pool, sample(np.random.default_rng([seed, t])), prior, temperature)
                for t in range(trials)]
        rows.append({"episodes": int(e), "lookup": lookup, "penalty": penalty(remembered),
                     "misbehaving_rate": k / trials, "ci": list(wilson(k, trials)),
                     "soft_misbehaving_rate": float(np.mean(soft)), "temperature": temperature})
    return rows
