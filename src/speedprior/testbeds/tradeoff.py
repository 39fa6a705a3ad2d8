"""Speed plus simplicity: a prior `w * bits + time`, swept over the weight w, and where selection flips.

Training processes have a simplicity bias already (background/002, footnote 2), so a speed prior
in practice is a mixture. `Tradeoff(w, speed, log_time)` scores a candidate as w * description
bits + its speed statistic (average or max cost), or + log2 of it: the Levin-Kt family, which
is Levin's Kt exactly at w = 1 with the average. w = 0 is the pure speed prior; large w is
simplicity with speed breaking its ties. `flip` finds where the selection rate crosses halfway
between its two ends, with the bracket the 95% intervals allow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from speedprior.errors import ConfigError
from speedprior.priors import AverageSpeed, CandidateBatch, MaxSpeed, Prior

SPEEDS = {"average": AverageSpeed, "max": MaxSpeed}


@dataclass(frozen=True, repr=False)
class Tradeoff(Prior):
    """w * description bits + speed (or + log2 speed): simplicity against speed at one weight."""

    weight: float
    speed: str = "average"
    log_time: bool = False

    def __post_init__(self):
        if self.speed not in SPEEDS:
            raise ConfigError(f"unknown speed {self.speed!r}; known: {', '.join(SPEEDS)}")
        if not (np.isfinite(self.weight) and self.weight >= 0):
            raise ConfigError(f"simplicity weight must be finite and >= 0, got {self.weight}")

    @property
    def name(self) -> str:
        time = f"log2({self.speed})" if self.log_time else self.speed
        return f"{self.weight:g}*simplicity+{time}"

    def score(self, candidate):
        return float(self.score_batch(CandidateBatch.from_candidates([candidate]))[0])

    def score_batch(self, batch):
        time = SPEEDS[self.speed]().score_batch(batch)
        if self.log_time:
            time = np.log2(np.maximum(time, 1.0))
        return self.weight * batch.bits + time

    def __repr__(self) -> str:
        return f"Tradeoff({self.weight!r}, {self.speed!r}, log_time={self.log_time})"


def flip(weights: Sequence[float], rates: Sequence[float], intervals: Sequence[Sequence[float]],
         speed_end: tuple[float, Sequence[float]], simple_end: tuple[float, Sequence[float]]) -> dict:
    """Where the rate along increasing `weights` crosses halfway between the pure-speed end and the
    pure-simplicity end. `flips` is False when the two ends' 95% intervals overlap (nothing to flip).
    `weight`: the first crossing, interpolated between grid points (on log w, linearly from w = 0);
    `bracket`: the last grid weight whose interval lies wholly on the speed side of the halfway mark
    and the first whose interval lies wholly on the simplicity side (None where none does)."""
    (r0, ci0), (r1, ci1) = speed_end, simple_end
    out = {"speed_end": r0, "simplicity_end": r1, "halfway": (r0 + r1) / 2}
    if max(ci0[0], ci1[0]) <= min(ci0[1], ci1[1]):
        return {**out, "ends_differ": False, "flips": False, "weight": None, "bracket": [None, None]}
    half, sign = (r0 + r1) / 2, 1.0 if r1 > r0 else -1.0
    side = [sign * (r - half) for r in rates]  # < 0: speed side, > 0: simplicity side
    crossing = next((i for i, s in enumerate(side) if s >= 0), None)
    weight = None
    if crossing is not None:
        if crossing == 0:
            weight = float(weights[0])
        else:
            w0, w1 = float(weights[crossing - 1]), float(weights[crossing])
            s0, s1 = side[crossing - 1], side[crossing]
            fraction = -s0 / (s1 - s0) if s1 != s0 else 0.0
            if w0 > 0:  # geometric between positive grid weights, linear from 0
                weight = float(np.exp(np.log(w0) + fraction * (np.log(w1) - np.log(w0))))
            else:
                weight = w0 + fraction * (w1 - w0)
    speed_side = [float(w) for w, (lo, hi) in zip(weights, intervals, strict=True)
                  if (sign * (hi - half) < 0 if sign > 0 else sign * (lo - half) < 0)]
    simple_side = [float(w) for w, (lo, hi) in zip(weights, intervals, strict=True)
                   if (sign * (lo - half) > 0 if sign > 0 else sign * (hi - half) > 0)]
    low = max((w for w in speed_side if not simple_side or w < min(simple_side)), default=None)
    high = min((w for w in simple_side if low is None or w > low), default=None)
    return {**out, "ends_differ": True, "flips": crossing is not None, "weight": weight, "bracket": [low, high]}
