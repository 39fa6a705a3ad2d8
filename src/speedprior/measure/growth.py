"""Growth fits: which of 1, log n, n, n log n, n², n³, 2ⁿ best describes a statistic over n.

Each class f is fitted as a·f(n) + b (a ≥ 0) by least squares on relative error, so small n
count as much as large n. Classes that grow faster than n also get a linear nuisance term,
a·f(n) + c·n + b: over the small n that exhaustive measurement reaches, lower-order terms are
large (a zig-zag decider takes 0.75n² + 3.5n + 3 steps), and without it n log n would fit a
quadratic better than n² does. The class with the lowest relative RMSE wins; a faster-growing
class must beat a slower one by a clear margin (2%, and 0.002 absolute), so data is credited to the slowest class
that explains it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from speedprior.errors import SpeedpriorError


def _log(n):
    return np.log2(np.maximum(n, 1.0))


GROWTH_CLASSES = {
    "1": lambda n: np.zeros_like(n),
    "log n": _log,
    "n": lambda n: n,
    "n log n": lambda n: n * _log(n),
    "n^2": lambda n: n**2,
    "n^3": lambda n: n**3,
    "2^n": lambda n: np.exp2(n),
}
_MARGIN = 0.98  # a faster-growing class must fit 2% better ...
_FLOOR = 0.002  # ... and by 0.2 points of relative RMSE, so near-exact fits tie to the slower class


@dataclass(frozen=True)
class GrowthFit:
    """The chosen class, its leading coefficient a and constant b, and fit-quality figures."""

    growth_class: str
    a: float
    b: float
    r2: float
    rel_rmse: float
    candidates: dict = field(default_factory=dict)  # class -> relative RMSE

    def to_dict(self) -> dict:
        """JSON-friendly form: class, a, b, r2, rel_rmse, candidates."""
        return {
            "class": self.growth_class,
            "a": self.a,
            "b": self.b,
            "r2": self.r2,
            "rel_rmse": self.rel_rmse,
            "candidates": self.candidates,
        }


_SUPERLINEAR = ("n log n", "n^2", "n^3", "2^n")


def _fit_one(columns: list[np.ndarray], y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least squares of y on [f, (n,) 1] with the growth coefficients kept ≥ 0.

    Tries every subset of the growth columns (at most two, so four fits) and keeps the best
    fit whose coefficients are all non-negative; the constant is free.
    """
    ones = np.ones_like(y)
    best, best_error = None, np.inf
    for subset in itertools.product((True, False), repeat=len(columns)):
        chosen = [c for c, keep in zip(columns, subset, strict=True) if keep]
        design = np.stack(chosen + [ones], axis=1)
        coef, *_ = np.linalg.lstsq(design * w[:, None], y * w, rcond=None)
        if (coef[:-1] < 0).any():
            continue
        error = float(np.sum(((design @ coef - y) * w) ** 2))
        if error < best_error - 1e-12:
            full = iter(coef[:-1])
            best = np.array([next(full) if keep else 0.0 for keep in subset] + [coef[-1]])
            best_error = error
    return best


def fit_growth(ns, values) -> GrowthFit:
    """Fit every growth class to (n, value) pairs and return the best one."""
    with np.errstate(over="ignore", invalid="ignore"):  # 2^n of a large n is inf: that class is skipped
        return _fit_growth(ns, values)


def _fit_growth(ns, values) -> GrowthFit:
    n = np.asarray(ns, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    keep = np.isfinite(y) & (n >= 1)
    n, y = n[keep], y[keep]
    if n.size < 3:
        raise SpeedpriorError(f"a growth fit needs at least 3 points with n >= 1, got {n.size}")
    w = 1.0 / np.maximum(np.abs(y), 1.0)
    scores, predictions, coefficients = {}, {}, {}
    for name, f in GROWTH_CLASSES.items():
        fn = f(n)
        if not np.all(np.isfinite(fn)):
            continue
        columns = [fn, n] if name in _SUPERLINEAR else [fn]
        coef = _fit_one(columns, y, w)
        prediction = np.stack(columns + [np.ones_like(y)], axis=1) @ coef
        scores[name] = float(np.sqrt(np.mean(((prediction - y) * w) ** 2)))
        predictions[name], coefficients[name] = prediction, (float(coef[0]), float(coef[-1]))
    best = None
    for name in scores:  # classes in increasing order of growth
        if best is None or scores[name] < scores[best] * _MARGIN - _FLOOR:
            best = name
    a, b = coefficients[best]
    prediction = predictions[best]
    total = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum((y - prediction) ** 2)) / total if total > 0 else 1.0
    return GrowthFit(best, a, b, r2, scores[best], scores)
