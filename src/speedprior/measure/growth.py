"""Growth fits: which of 1, log n, n, n log n, n², n³, 2ⁿ best describes a statistic over n.

Each class f is fitted as a·f(n) + b (a ≥ 0) by least squares on relative error, so small n
count as much as large n. The class with the lowest relative RMSE wins; a more complex class
must beat a simpler one by a clear margin (2%) to be chosen, so exact polynomial data is not
credited to a faster-growing class that merely bends to fit it.
"""

from __future__ import annotations

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
_MARGIN = 0.98


@dataclass(frozen=True)
class GrowthFit:
    """The chosen class, its coefficients (value ≈ a·f(n) + b) and fit-quality figures."""

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


def _fit_one(f: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    if np.ptp(f) == 0:
        return 0.0, float(np.average(y, weights=w**2))
    design = np.stack([f, np.ones_like(f)], axis=1) * w[:, None]
    (a, b), *_ = np.linalg.lstsq(design, y * w, rcond=None)
    if a < 0:
        return 0.0, float(np.average(y, weights=w**2))
    return float(a), float(b)


def fit_growth(ns, values) -> GrowthFit:
    """Fit every growth class to (n, value) pairs and return the best one."""
    n = np.asarray(ns, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    keep = np.isfinite(y) & (n >= 1)
    n, y = n[keep], y[keep]
    if n.size < 3:
        raise SpeedpriorError(f"a growth fit needs at least 3 points with n >= 1, got {n.size}")
    w = 1.0 / np.maximum(np.abs(y), 1.0)
    scores, coefficients = {}, {}
    for name, f in GROWTH_CLASSES.items():
        fn = f(n)
        if not np.all(np.isfinite(fn)):
            continue
        a, b = _fit_one(fn, y, w)
        residual = (a * fn + b - y) * w
        scores[name] = float(np.sqrt(np.mean(residual**2)))
        coefficients[name] = (a, b)
    best = None
    for name in scores:  # classes in increasing order of growth
        if best is None or scores[name] < scores[best] * _MARGIN - 1e-12:
            best = name
    a, b = coefficients[best]
    prediction = a * GROWTH_CLASSES[best](n) + b
    total = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum((y - prediction) ** 2)) / total if total > 0 else 1.0
    return GrowthFit(best, a, b, r2, scores[best], scores)
