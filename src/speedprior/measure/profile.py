"""Cost profiles: the cost a program spent on each input, partitioned into cells.

A profile holds, per input, a cost (steps, gates, FLOPs, ponder steps), whether the run
halted within its budget, a partition key (input length by default) and an optional weight
(the task distribution). Statistics are taken over the halted inputs of a cell; inputs that
did not halt are never dropped silently: every summary reports how many there were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from speedprior.errors import SpeedpriorError
from speedprior.measure.statistics import Statistic, get_statistic


@dataclass(frozen=True)
class CostProfile:
    """Per-input costs with halting flags, partition keys and optional weights."""

    costs: np.ndarray
    halted: np.ndarray = field(default=None)  # type: ignore[assignment]
    keys: np.ndarray = field(default=None)  # type: ignore[assignment]
    weights: np.ndarray | None = None
    accepted: np.ndarray | None = None  # optional per-input verdict, carried for reports

    def __post_init__(self):
        costs = np.asarray(self.costs)
        n = costs.shape[0] if costs.ndim else 0
        if costs.ndim != 1:
            raise SpeedpriorError(f"costs must be one-dimensional, got shape {costs.shape}")
        halted = np.ones(n, dtype=bool) if self.halted is None else np.asarray(self.halted, dtype=bool)
        keys = np.zeros(n, dtype=np.int64) if self.keys is None else np.asarray(self.keys)
        for name, array in (("halted", halted), ("keys", keys)):
            if array.shape != (n,):
                raise SpeedpriorError(f"{name} has shape {array.shape}, expected ({n},)")
        weights = None if self.weights is None else np.asarray(self.weights, dtype=np.float64)
        if weights is not None and (weights.shape != (n,) or (weights < 0).any()):
            raise SpeedpriorError("weights must be non-negative, one per input")
        object.__setattr__(self, "costs", costs)
        object.__setattr__(self, "halted", halted)
        object.__setattr__(self, "keys", keys)
        object.__setattr__(self, "weights", weights)

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_inputs(
        cls,
        inputs: Sequence,
        costs,
        halted=None,
        key: Callable | None = None,
        weights=None,
        accepted=None,
    ) -> CostProfile:
        """Build a profile keyed by `key(input)` (default: `len(input)`)."""
        key = key or len
        keys = np.array([key(x) for x in inputs])
        return cls(np.asarray(costs), halted, keys, weights, accepted)

    def with_keys(self, keys: Iterable) -> CostProfile:
        """Return the same costs under another partition."""
        return CostProfile(self.costs, self.halted, np.asarray(list(keys)), self.weights, self.accepted)

    @staticmethod
    def concatenate(profiles: Sequence[CostProfile]) -> CostProfile:
        """Join profiles of disjoint input sets."""
        weights = None
        if any(p.weights is not None for p in profiles):
            weights = np.concatenate([p.weights if p.weights is not None else np.ones(len(p)) for p in profiles])
        accepted = None
        if all(p.accepted is not None for p in profiles):
            accepted = np.concatenate([p.accepted for p in profiles])
        return CostProfile(
            np.concatenate([p.costs for p in profiles]),
            np.concatenate([p.halted for p in profiles]),
            np.concatenate([p.keys for p in profiles]),
            weights,
            accepted,
        )

    # -- queries --------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.costs.shape[0])

    @property
    def not_halted(self) -> int:
        """Number of inputs that did not halt within the budget."""
        return int((~self.halted).sum())

    def cells(self) -> list:
        """The partition keys present, sorted."""
        return sorted(np.unique(self.keys).tolist())

    def statistic(self, stat: str | Callable | Statistic = "mean", key=None) -> float:
        """The statistic over halted inputs (of one cell if `key` is given, else of all)."""
        stat = get_statistic(stat)
        mask = self.halted.copy()
        if key is not None:
            mask &= self.keys == key
        weights = None if self.weights is None else self.weights[mask]
        return stat(self.costs[mask], weights)

    def by_cell(self, stat: str | Callable | Statistic = "mean") -> dict:
        """Map each partition key to the statistic over its halted inputs."""
        return {k: self.statistic(stat, key=k) for k in self.cells()}

    def summary(self, statistics: Sequence = ("mean", "max", "min", "median")) -> list[dict]:
        """One row per cell: key, inputs, halted, (accepted), then each statistic."""
        stats = [get_statistic(s) for s in statistics]
        rows = []
        for k in self.cells():
            in_cell = self.keys == k
            row = {"key": _plain(k), "inputs": int(in_cell.sum()), "halted": int((in_cell & self.halted).sum())}
            if self.accepted is not None:
                row["accepted"] = int((in_cell & (self.accepted == 1)).sum())
            for s in stats:
                row[s.name] = _plain(self.statistic(s, key=k))
            rows.append(row)
        return rows


def _plain(value):
    """Turn NumPy scalars into JSON-friendly Python numbers (ints stay ints)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
