"""Random task distributions over the training inputs: the weights a prior averages under.

Each family draws, per trial, a non-negative weight per training input (seeded):

    lengths   a random non-empty set of input lengths, Dirichlet weights over them, uniform within a length
    subsets   a random set of 1..max_subset training inputs with Dirichlet weights
    sorted    Dirichlet weights over the 0^a 1^b inputs only: training that asks only questions
              which pass the first check (the hard cases), never the easy rejects
    uniform   every training input alike (no randomness; a reference point)
"""

from __future__ import annotations

import numpy as np

from speedprior.errors import UnknownNameError

FAMILIES = ("lengths", "subsets", "sorted", "uniform")


def _dirichlet(rng: np.random.Generator, count: int, alpha: float) -> np.ndarray:
    return rng.dirichlet(np.full(count, alpha)) if count > 1 else np.ones(count)


def sample_weights(family: str, universe, rng: np.random.Generator, alpha: float = 1.0,
                   max_subset: int = 16) -> np.ndarray:
    """One random task distribution of `family`: a weight per training input, summing to 1.

    `universe` needs `train_lengths` (one per training input) and, for "sorted", `sorted_mask`.
    """
    n = len(universe.train_lengths)
    weights = np.zeros(n)
    if family == "lengths":
        lengths = np.unique(universe.train_lengths)
        chosen = lengths[rng.random(len(lengths)) < 0.5]
        if chosen.size == 0:
            chosen = rng.choice(lengths, size=1)
        mass = _dirichlet(rng, len(chosen), alpha)
        for length, m in zip(chosen, mass, strict=True):
            cell = universe.train_lengths == length
            weights[cell] = m / cell.sum()
    elif family == "subsets":
        size = int(rng.integers(1, min(max_subset, n) + 1))
        chosen = rng.choice(n, size=size, replace=False)
        weights[chosen] = _dirichlet(rng, size, alpha)
    elif family == "sorted":
        chosen = np.flatnonzero(universe.sorted_mask)
        weights[chosen] = _dirichlet(rng, len(chosen), alpha)
    elif family == "uniform":
        weights[:] = 1.0 / n
    else:
        raise UnknownNameError(f"unknown task-distribution family {family!r}; known: {', '.join(FAMILIES)}")
    return weights
