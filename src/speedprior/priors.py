"""Priors: scores over candidate programs, lower is preferred.

A prior reads a `Candidate`: its cost profile over the task distribution (what it spent on
each input, with the distribution's weights) and its description length in bits. The same
objects rank enumerated Turing machines, circuits (through `info`) and, via expected cost,
neural networks. Priors add and scale: `Simplicity() + 2 * AverageSpeed()` is a mixture.

    MaxSpeed       worst-case cost over inputs of positive weight
    AverageSpeed   expected cost under the task distribution
    QuantileSpeed  the q-quantile of cost
    Simplicity     description length in bits
    LevinKt        bits + log2(mean cost), Levin's Kt complexity
    Uniform        every candidate alike (selection is then uniform among solvers)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from speedprior.errors import UnknownNameError
from speedprior.measure.profile import CostProfile
from speedprior.measure.statistics import Max, Mean, Quantile


@dataclass(frozen=True)
class Candidate:
    """A program under consideration: its cost profile, description length and ground truth."""

    name: str
    profile: CostProfile | None = None
    description_bits: float = 0.0
    program: Any = None
    info: dict = field(default_factory=dict)  # e.g. {"misbehaving": True, "size": 7, "depth": 3}


class Prior:
    """Base class. Subclasses implement `score(candidate) -> float` (lower is preferred)."""

    name = "prior"

    def score(self, candidate: Candidate) -> float:
        raise NotImplementedError

    def scores(self, candidates: Sequence[Candidate]) -> np.ndarray:
        """Scores of many candidates as an array."""
        return np.array([self.score(c) for c in candidates], dtype=np.float64)

    def minimal(self, candidates: Sequence[Candidate], rtol: float = 1e-9) -> np.ndarray:
        """Indices of every candidate whose score ties the minimum."""
        scores = self.scores(candidates)
        best = scores.min()
        return np.flatnonzero(np.isclose(scores, best, rtol=rtol, atol=1e-12) | (scores == best))

    def select(self, candidates: Sequence[Candidate], rng: np.random.Generator | int | None = 0) -> int:
        """Index of a minimal-score candidate, ties broken uniformly at random (seeded)."""
        rng = np.random.default_rng(rng)
        return int(rng.choice(self.minimal(candidates)))

    def __add__(self, other: Prior) -> Mixture:
        if not isinstance(other, Prior):
            return NotImplemented
        return Mixture([(1.0, self)]) + other

    def __rmul__(self, weight: float) -> Mixture:
        return Mixture([(float(weight), self)])

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _profile(candidate: Candidate) -> CostProfile:
    if candidate.profile is None:
        raise UnknownNameError(f"candidate {candidate.name!r} has no cost profile for a speed prior")
    return candidate.profile


def _worst_if_not_halted(profile: CostProfile, value: float) -> float:
    # A program that fails to halt on an input of positive weight has unbounded cost there.
    weights = profile.weights
    missing = ~profile.halted if weights is None else (~profile.halted & (weights > 0))
    return math.inf if missing.any() else value


class Uniform(Prior):
    """No preference: every candidate scores 0."""

    name = "none"

    def score(self, candidate):
        return 0.0


class MaxSpeed(Prior):
    """Worst-case cost over the inputs of positive weight."""

    name = "max"

    def score(self, candidate):
        profile = _profile(candidate)
        return _worst_if_not_halted(profile, profile.statistic(Max()))


class AverageSpeed(Prior):
    """Expected cost under the task distribution (the profile's weights)."""

    name = "average"

    def score(self, candidate):
        profile = _profile(candidate)
        return _worst_if_not_halted(profile, profile.statistic(Mean()))


@dataclass(frozen=True, repr=False)
class QuantileSpeed(Prior):
    """The q-quantile of cost under the task distribution."""

    q: float = 0.9

    @property
    def name(self) -> str:
        return f"q{self.q:g}"

    def score(self, candidate):
        profile = _profile(candidate)
        return _worst_if_not_halted(profile, profile.statistic(Quantile(self.q)))


class Simplicity(Prior):
    """Description length in bits."""

    name = "simplicity"

    def score(self, candidate):
        return float(candidate.description_bits)


class LevinKt(Prior):
    """Levin's Kt: description bits + log2(mean cost)."""

    name = "levin-kt"

    def score(self, candidate):
        time = AverageSpeed().score(candidate)
        return float(candidate.description_bits) + math.log2(max(time, 1.0))


@dataclass(repr=False)
class Mixture(Prior):
    """A weighted sum of priors."""

    terms: list[tuple[float, Prior]]

    @property
    def name(self) -> str:
        return "+".join(f"{w:g}*{p.name}" if w != 1 else p.name for w, p in self.terms)

    def score(self, candidate):
        return float(sum(w * p.score(candidate) for w, p in self.terms if w != 0))

    def __add__(self, other):
        if isinstance(other, Mixture):
            return Mixture(self.terms + other.terms)
        if isinstance(other, Prior):
            return Mixture(self.terms + [(1.0, other)])
        return NotImplemented

    def __rmul__(self, weight):
        return Mixture([(float(weight) * w, p) for w, p in self.terms])

    def __repr__(self) -> str:
        return f"Mixture({self.terms!r})"


def _circuit_prior(name: str):
    """A lazy factory: speedprior.circuits imports this module, so import it only when asked."""

    def make() -> Prior:
        from speedprior.circuits.priors import CIRCUIT_PRIORS

        return CIRCUIT_PRIORS[name]()

    return make


PRIORS = {
    "none": Uniform,
    "uniform": Uniform,
    "max": MaxSpeed,
    "average": AverageSpeed,
    "simplicity": Simplicity,
    "levin-kt": LevinKt,
    "circuit-size": _circuit_prior("circuit-size"),
    "circuit-depth": _circuit_prior("circuit-depth"),
}


def get_prior(spec: str | Prior) -> Prior:
    """Resolve a name ('none', 'max', 'average', 'simplicity', 'levin-kt', 'q0.9') or a
    mixture written 'simplicity+0.5*average' to a Prior."""
    if isinstance(spec, Prior):
        return spec
    text = str(spec).strip().lower()
    if "+" in text:
        terms = []
        for part in text.split("+"):
            weight, _, name = part.rpartition("*")
            terms.append((float(weight) if weight else 1.0, get_prior(name)))
        return Mixture(terms)
    if text in PRIORS:
        return PRIORS[text]()
    if text.startswith("q"):
        try:
            return QuantileSpeed(float(text[1:]))
        except ValueError:
            pass
    raise UnknownNameError(
        f"unknown prior {spec!r}; known: {', '.join(PRIORS)}, qQ, or mixtures like 'simplicity+average'"
    )
