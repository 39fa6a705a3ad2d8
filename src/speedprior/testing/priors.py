"""`check_prior`: the contract every prior passes, in the manner of scikit-learn's check_estimator.

Raises AssertionError naming the first property the prior violates:

- `score` returns a Python float for every built-in candidate;
- `score_batch` returns one float64 per candidate and agrees with `score` (to 1e-12, infinities
  and NaNs alike) on candidates that halt, that do not halt, that carry zero-weight inputs
  and that tie;
- scoring is deterministic (same candidates, same scores, twice);
- a registered name round-trips: `get_prior(prior.name)` scores like `prior`;
- a speed prior (max, average, quantile) scores +inf for a candidate that does not halt on an
  input of positive weight, and ignores what happens on inputs of weight 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from speedprior.errors import SpeedpriorError
from speedprior.measure.profile import CostProfile
from speedprior.priors import Candidate, CandidateBatch, Prior, get_prior, is_speed_prior

# Costs per input (five inputs); the last input has weight 0 in the task distribution.
_WEIGHTS = np.array([0.25, 0.25, 0.3, 0.2, 0.0])
_ROWS = [  # name, costs, halted, bits, size, depth
    ("fast", [2, 3, 4, 5, 900], [True] * 5, 12.0, 3, 2),
    ("slow", [20, 30, 40, 50, 1], [True] * 5, 9.0, 7, 3),
    ("tie-a", [4, 4, 4, 4, 4], [True] * 5, 10.0, 5, 2),
    ("tie-b", [4, 4, 4, 4, 4000], [True] * 5, 10.0, 5, 2),
    ("loops", [1, 1, 1, 1, 1], [True, True, False, True, True], 5.0, 2, 1),
    ("loops-off-distribution", [1, 2, 3, 4, 5], [True, True, True, True, False], 6.0, 4, 4),
    ("zero-cost", [0, 0, 0, 0, 0], [True] * 5, 0.0, 0, 0),
]


def example_candidates(weights: np.ndarray = _WEIGHTS) -> list[Candidate]:
    """The built-in candidates: halting, not halting (on and off the distribution), ties, zero costs."""
    keys = np.arange(len(weights))
    return [Candidate(name, CostProfile(np.array(costs, float), np.array(halted), keys, weights), bits,
                      info={"size": size, "depth": depth})
            for name, costs, halted, bits, size, depth in _ROWS]


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape:
        return False
    special = ~np.isfinite(a) | ~np.isfinite(b)
    return bool(np.array_equal(a[special], b[special], equal_nan=True)
                and np.allclose(a[~special], b[~special], rtol=1e-12, atol=1e-12))


def check_prior(prior: Prior, candidates: Sequence[Candidate] | None = None) -> None:
    """Assert that `prior` keeps the prior contract on the built-in candidates (or on `candidates`)."""
    label = f"prior {getattr(prior, 'name', prior)!r}"
    assert isinstance(prior, Prior), f"{label} is not a speedprior.priors.Prior"
    assert isinstance(prior.name, str) and prior.name, f"{label}: name must be a non-empty string"
    candidates = list(example_candidates() if candidates is None else candidates)
    scores = [prior.score(c) for c in candidates]
    for c, s in zip(candidates, scores, strict=True):
        assert type(s) is float, f"{label}: score({c.name!r}) returned {type(s).__name__}, not float"
    batch = CandidateBatch.from_candidates(candidates)
    batched = prior.score_batch(batch)
    assert isinstance(batched, np.ndarray) and batched.dtype == np.float64 and batched.shape == (len(candidates),), (
        f"{label}: score_batch must return float64 of shape ({len(candidates)},), got "
        f"{getattr(batched, 'dtype', type(batched))} {getattr(batched, 'shape', '')}")
    for c, s, b in zip(candidates, scores, batched, strict=True):
        assert _same(np.array([s]), np.array([b])), f"{label}: score({c.name!r}) = {s} but score_batch gives {b}"
    assert _same(prior.scores(candidates), batched), f"{label}: scores() disagrees with score_batch()"
    assert _same([prior.score(c) for c in candidates], scores), f"{label}: score is not deterministic"
    assert _same(prior.score_batch(batch), batched), f"{label}: score_batch is not deterministic"
    empty = prior.score_batch(CandidateBatch.from_candidates([]))
    assert isinstance(empty, np.ndarray) and empty.shape == (0,), f"{label}: an empty batch must give shape (0,)"
    try:
        again = get_prior(prior.name)
    except SpeedpriorError:
        again = None  # an unregistered (user-defined) prior need not round-trip
    if again is not None:
        assert again.name == prior.name, f"{label}: get_prior(name) gives a prior named {again.name!r}"
        assert _same(again.score_batch(batch), batched), f"{label}: get_prior(name) scores differently"
    if is_speed_prior(prior):
        by_name = dict(zip([c.name for c in candidates], scores, strict=True))
        if "loops" in by_name:
            assert by_name["loops"] == np.inf, f"{label}: not halting on an input of positive weight must be +inf"
        if "loops-off-distribution" in by_name:
            assert np.isfinite(by_name["loops-off-distribution"]), (
                f"{label}: not halting on an input of weight 0 must not count")
        if "tie-a" in by_name and "tie-b" in by_name:
            assert by_name["tie-a"] == by_name["tie-b"], f"{label}: the cost of a weight-0 input must not count"
