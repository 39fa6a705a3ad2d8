"""Statistics: maps from the costs of one partition cell to a number.

Each statistic is a small callable object `stat(values, weights=None) -> float` with a `name`.
Mean is average-case speed, Max is worst-case speed; Quantile(q) sits between them. Any plain
callable `f(values) -> float` can be used wherever a statistic is expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from speedprior.errors import UnknownNameError


class Statistic:
    """Base class: subclasses implement `compute`; empty input gives NaN."""

    name = "statistic"

    def __call__(self, values, weights=None) -> float:
        values = np.asarray(values, dtype=np.float64)
        if weights is not None:
            weights = np.asarray(weights, dtype=np.float64)
            keep = weights > 0
            values, weights = values[keep], weights[keep]
        if values.size == 0:
            return float("nan")
        return float(self.compute(values, weights))

    def compute(self, values: np.ndarray, weights: np.ndarray | None) -> float:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Mean(Statistic):
    """Average-case cost (weighted when weights are given)."""

    name = "mean"

    def compute(self, values, weights):
        return np.average(values, weights=weights)


class Max(Statistic):
    """Worst-case cost over inputs of positive weight."""

    name = "max"

    def compute(self, values, weights):
        return values.max()


class Min(Statistic):
    """Best-case cost over inputs of positive weight."""

    name = "min"

    def compute(self, values, weights):
        return values.min()


class Std(Statistic):
    """Standard deviation of cost (population, weighted when weights are given)."""

    name = "std"

    def compute(self, values, weights):
        mean = np.average(values, weights=weights)
        return np.sqrt(np.average((values - mean) ** 2, weights=weights))


@dataclass(frozen=True, repr=False)
class Quantile(Statistic):
    """The q-quantile of cost (inverted CDF, so the value is always an observed cost)."""

    q: float

    def __post_init__(self):
        if not 0.0 <= self.q <= 1.0:
            raise UnknownNameError(f"quantile must lie in [0, 1], got {self.q}")

    @property
    def name(self) -> str:
        return f"q{self.q:g}"

    def compute(self, values, weights):
        if weights is None:
            return np.quantile(values, self.q, method="inverted_cdf")
        order = np.argsort(values, kind="stable")
        cdf = np.cumsum(weights[order]) / weights.sum()
        index = min(int(np.searchsorted(cdf, self.q - 1e-12, side="left")), len(order) - 1)
        return values[order][index]

    def __repr__(self) -> str:
        return f"Quantile({self.q:g})"


class Median(Quantile):
    """The median cost (the 0.5-quantile)."""

    def __init__(self):
        super().__init__(0.5)

    @property
    def name(self) -> str:
        return "median"

    def __repr__(self) -> str:
        return "Median()"


class _Callable(Statistic):
    def __init__(self, function: Callable, name: str | None = None):
        self.function = function
        self._name = name or getattr(function, "__name__", "custom")

    @property
    def name(self) -> str:
        return self._name

    def compute(self, values, weights):
        return self.function(values)


_NAMED = {"mean": Mean, "max": Max, "min": Min, "median": Median, "std": Std}
_QUANTILE = re.compile(r"^(?:q|quantile[:=]?)(\d*\.?\d+)$|^p(\d+(?:\.\d+)?)$")


def get_statistic(spec: str | Callable | Statistic) -> Statistic:
    """Resolve 'mean', 'max', 'min', 'median', 'std', 'q0.9', 'p90' or a callable to a Statistic."""
    if isinstance(spec, Statistic):
        return spec
    if callable(spec):
        return _Callable(spec)
    key = str(spec).strip().lower()
    if key in _NAMED:
        return _NAMED[key]()
    match = _QUANTILE.match(key)
    if match:
        q = float(match.group(1)) if match.group(1) else float(match.group(2)) / 100.0
        return Quantile(q)
    raise UnknownNameError(
        f"unknown statistic {spec!r}; use mean, max, min, median, std, q0.9 or p90"
    )
