"""Hyperparameters of the search algorithms, one frozen dataclass each, defaults defined once.

The library (`dovetail`, `phases`, `levin_search`, `anneal*`), the CLI (`speedprior search`)
and the experiment kinds all read their defaults from here. Each validates itself on
construction and names the bad value, so a schedule that exists can run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from speedprior.errors import BudgetError


def _integer(value, name: str, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise BudgetError(f"{name} must be an integer in {lo}..{hi}, got {value!r}")


@dataclass(frozen=True)
class DovetailParams:
    """The dovetailer: each round starts `l` new programs and runs every started one `k` more steps."""

    k: int = 1  # steps each started program runs per round
    l: int = 1  # new programs started per round
    max_rounds: int = 1_000_000  # give up after this many rounds

    def __post_init__(self):
        _integer(self.k, "K (steps per round)", 1, 1 << 40)
        _integer(self.l, "L (programs started per round)", 1, 1 << 40)
        _integer(self.max_rounds, "max_rounds", 1, 1 << 40)
        if self.k * self.max_rounds >= 1 << 62:
            raise BudgetError(f"K * max_rounds must stay below 2^62, got {self.k} * {self.max_rounds}")


@dataclass(frozen=True)
class PhaseParams:
    """Levin search in phases: phase i gives every program of length l <= i 2^(i - l) steps."""

    max_phase: int = 40  # give up after this phase

    def __post_init__(self):
        _integer(self.max_phase, "max_phase", 1, 62)


@dataclass(frozen=True)
class AnnealSchedule:
    """Computational annealing: raise C by `grow` until a probe succeeds, then refine by `shrink`/`slow`."""

    c0: float = 1.0  # starting computation bound C
    grow: float = 2.0  # fast increase factor until the first success
    shrink: float = 0.8  # decrease factor until nothing succeeds
    slow: float = 1.05  # slow increase factor until success again
    refine: bool = True  # refine at all (False: stop at the first success)
    cycles: int = 1  # refinement cycles (each takes the square root of the last rate)
    max_probes: int = 10_000  # give up after this many probes

    def __post_init__(self):
        finite = all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                     for v in (self.c0, self.grow, self.shrink, self.slow))
        if not (finite and self.c0 > 0 and self.grow > 1 and 0 < self.shrink < 1 and self.slow > 1):
            raise BudgetError(f"annealing needs finite c0 > 0, grow > 1, 0 < shrink < 1, slow > 1; got c0={self.c0}, "
                              f"grow={self.grow}, shrink={self.shrink}, slow={self.slow}")
        if not isinstance(self.refine, bool):
            raise BudgetError(f"refine must be true or false, got {self.refine!r}")
        _integer(self.cycles, "cycles", 0, 64)
        _integer(self.max_probes, "max_probes", 1, 10_000_000)
