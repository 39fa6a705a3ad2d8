"""Priors: scores over candidate programs, lower is preferred. The one definition of every prior.

A prior reads a `Candidate`: its cost profile over the task distribution (what it spent on
each input, with the distribution's weights), its description length in bits and, for
circuit priors, its circuit (or recorded size and depth). The same objects rank enumerated
Turing machines, circuits and, via expected cost, neural networks. Priors add and scale:
`Simplicity() + 2 * AverageSpeed()` is a mixture.

    MaxSpeed       worst-case cost over inputs of positive weight
    AverageSpeed   expected cost under the task distribution
    QuantileSpeed  the q-quantile of cost
    Simplicity     description length in bits
    LevinKt        bits + log2(mean cost), Levin's Kt complexity
    CircuitSize    gates of the candidate's circuit
    CircuitDepth   longest input-to-output path of the candidate's circuit
    Uniform        every candidate alike (selection is then uniform among solvers)

Every prior scores one candidate (`score`) or, vectorised, a `CandidateBatch` (`score_batch`:
a cost matrix with halted flags, the shared weights and description bits); both follow the
same rules. Inputs of weight 0 do not count, and a speed prior scores +inf for a candidate
that does not halt on an input of positive weight.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from speedprior.circuits.circuit import Circuit
from speedprior.errors import ConfigError, SpeedpriorError, UnknownNameError
from speedprior.measure.profile import CostProfile


@dataclass(frozen=True)
class Candidate:
    """A program under consideration: its cost profile, description length and ground truth."""

    name: str
    profile: CostProfile | None = None
    description_bits: float = 0.0
    program: Any = None
    info: dict = field(default_factory=dict)  # e.g. {"misbehaving": True, "size": 7, "depth": 3}


def _numeric(value) -> bool:
    return isinstance(value, int | float | np.integer | np.floating | np.bool_) and not isinstance(value, str)


@dataclass(frozen=True)
class CandidateBatch:
    """Many candidates over one task distribution, as arrays: what `Prior.score_batch` reads."""

    names: tuple[str, ...]
    costs: np.ndarray  # float64 (n_candidates, n_inputs)
    halted: np.ndarray  # bool (n_candidates, n_inputs)
    weights: np.ndarray  # float64 (n_inputs,): the task distribution
    bits: np.ndarray  # float64 (n_candidates,): description lengths
    info: dict[str, np.ndarray] = field(default_factory=dict)  # per-candidate numbers, e.g. "size", "depth"

    def __post_init__(self):
        names = tuple(str(n) for n in self.names)
        costs = np.asarray(self.costs, dtype=np.float64)
        halted = np.asarray(self.halted, dtype=bool)
        weights = np.asarray(self.weights, dtype=np.float64)
        bits = np.asarray(self.bits, dtype=np.float64)
        n = len(names)
        if costs.ndim != 2 or costs.shape[0] != n:
            raise SpeedpriorError(f"costs must have shape ({n}, inputs), got {costs.shape}")
        if halted.shape != costs.shape or weights.shape != (costs.shape[1],) or bits.shape != (n,):
            raise SpeedpriorError(f"halted {halted.shape}, weights {weights.shape} and bits {bits.shape} do not "
                                  f"fit costs {costs.shape}")
        if not np.isfinite(weights).all() or (weights < 0).any():
            raise SpeedpriorError("weights must be finite and non-negative, one per input")
        info = {str(k): np.asarray(v) for k, v in self.info.items()}
        for key, values in info.items():
            if values.shape != (n,):
                raise SpeedpriorError(f"info[{key!r}] has shape {values.shape}, expected ({n},)")
        for name, value in (("names", names), ("costs", costs), ("halted", halted), ("weights", weights),
                            ("bits", bits), ("info", info)):
            object.__setattr__(self, name, value)

    def __len__(self) -> int:
        return len(self.names)

    @classmethod
    def from_candidates(cls, candidates: Sequence[Candidate]) -> CandidateBatch:
        """Stack candidates that share one task distribution (same inputs, same weights) into a batch."""
        candidates = list(candidates)
        profiles = [c.profile for c in candidates]
        with_profile = [p for p in profiles if p is not None]
        if with_profile and len(with_profile) != len(profiles):
            raise SpeedpriorError("a batch needs a cost profile for every candidate or for none")
        if with_profile:
            width = len(with_profile[0])
            if any(len(p) != width for p in with_profile):
                raise SpeedpriorError("candidates of a batch must be measured on the same inputs")
            weights = [np.ones(width) if p.weights is None else p.weights for p in with_profile]
            if any(not np.array_equal(w, weights[0]) for w in weights[1:]):
                raise SpeedpriorError("candidates of a batch must share one task distribution (weights)")
            costs = np.stack([p.costs for p in with_profile]).astype(np.float64)
            halted = np.stack([p.halted for p in with_profile])
            shared = weights[0]
        else:
            costs, halted, shared = np.zeros((len(candidates), 0)), np.zeros((len(candidates), 0), bool), np.zeros(0)
        info: dict[str, np.ndarray] = {}
        if candidates:
            keys = set.intersection(*(set(_info(c)) for c in candidates))
            for key in sorted(keys):
                values = [_info(c)[key] for c in candidates]
                if all(_numeric(v) for v in values):
                    info[key] = np.asarray(values)
        return cls(tuple(c.name for c in candidates), costs, halted, shared,
                   np.array([float(c.description_bits) for c in candidates], np.float64), info)

    def candidate(self, i: int) -> Candidate:
        """Row i as a Candidate (keyed by input index)."""
        profile = None
        if self.costs.shape[1]:
            profile = CostProfile(self.costs[i], self.halted[i], np.arange(self.costs.shape[1]), self.weights)
        return Candidate(self.names[i], profile, float(self.bits[i]),
                         info={k: v[i].item() for k, v in self.info.items()})


def _info(candidate: Candidate) -> dict:
    """The candidate's info, with its circuit's size and depth when its program is a circuit."""
    if isinstance(candidate.program, Circuit):
        return {**candidate.info, "size": candidate.program.size, "depth": candidate.program.depth}
    return candidate.info


class Prior:
    """Base class. Subclasses implement `score(candidate) -> float` (lower is preferred) and,
    for speed, `score_batch(batch) -> ndarray`; the default batch form calls `score` per row."""

    name = "prior"

    def score(self, candidate: Candidate) -> float:
        raise NotImplementedError

    def score_batch(self, batch: CandidateBatch) -> np.ndarray:
        """Scores of every candidate of the batch, (n_candidates,) float64."""
        return np.array([self.score(batch.candidate(i)) for i in range(len(batch))], dtype=np.float64)

    def scores(self, candidates: Sequence[Candidate]) -> np.ndarray:
        """Scores of many candidates as an array (batched when they share a task distribution)."""
        try:
            batch = CandidateBatch.from_candidates(candidates)
        except SpeedpriorError:
            return np.array([self.score(c) for c in candidates], dtype=np.float64)
        return self.score_batch(batch)

    def minimal(self, candidates: Sequence[Candidate], rtol: float = 1e-9) -> np.ndarray:
        """Indices of every candidate whose score ties the minimum."""
        return minimal(self.scores(candidates), rtol)

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


def minimal(scores: np.ndarray, rtol: float = 1e-9) -> np.ndarray:
    """Indices of every score that ties the minimum (within `rtol`)."""
    best = scores.min()
    return np.flatnonzero(np.isclose(scores, best, rtol=rtol, atol=1e-12) | (scores == best))


# -- speed priors: a statistic of the cost profile ------------------------------------------------

def _profile(candidate: Candidate) -> CostProfile:
    if candidate.profile is None:
        raise UnknownNameError(f"candidate {candidate.name!r} has no cost profile for a speed prior")
    return candidate.profile


def _counted(batch: CandidateBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(costs, weights) over the inputs of positive weight, and which rows miss one of them."""
    # A program that fails to halt on an input of positive weight has unbounded cost there.
    if len(batch) and batch.costs.shape[1] == 0:
        raise UnknownNameError("the candidates have no cost profile for a speed prior")
    counted = batch.weights > 0
    missing = (~batch.halted[:, counted]).any(axis=1)
    return batch.costs[:, counted], batch.weights[counted], missing


class _SpeedPrior(Prior):
    """A statistic of the cost profile over the inputs of positive weight; +inf where the candidate
    does not halt on one of them; NaN when no input has positive weight."""

    def reduce(self, costs: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The statistic of each row of `costs` (inputs of positive weight only), (n_candidates,)."""
        raise NotImplementedError

    def score(self, candidate):
        # One row of the batch form, so that both forms agree to the last bit.
        _profile(candidate)
        return float(self.score_batch(CandidateBatch.from_candidates([candidate]))[0])

    def score_batch(self, batch):
        costs, weights, missing = _counted(batch)
        if costs.shape[1] == 0:  # nothing of positive weight: the statistic of nothing, as `score` gives
            values = np.full(len(batch), np.nan)
        else:
            values = self.reduce(costs, weights)
        return np.where(missing, np.inf, values).astype(np.float64)


class MaxSpeed(_SpeedPrior):
    """Worst-case cost over the inputs of positive weight."""

    name = "max"

    def reduce(self, costs, weights):
        return costs.max(axis=1)


class AverageSpeed(_SpeedPrior):
    """Expected cost under the task distribution (the profile's weights)."""

    name = "average"

    def reduce(self, costs, weights):
        # Column by column: the same additions in the same order for one row or a million.
        total = np.zeros(len(costs))
        for j in range(costs.shape[1]):
            total += costs[:, j] * weights[j]
        return total / weights.sum()


@dataclass(frozen=True, repr=False)
class QuantileSpeed(_SpeedPrior):
    """The q-quantile of cost under the task distribution (inverted CDF: always an observed cost)."""

    q: float = 0.9

    def __post_init__(self):
        if not (isinstance(self.q, int | float) and 0.0 <= self.q <= 1.0):
            raise UnknownNameError(f"quantile prior needs 0 <= q <= 1, got {self.q!r}")

    @property
    def name(self) -> str:
        return f"q{self.q:g}"

    def reduce(self, costs, weights):
        # As Quantile with weights: the first cost (in stable sorted order) where the weighted CDF reaches q.
        order = np.argsort(costs, axis=1, kind="stable")
        cdf = np.cumsum(weights[order], axis=1) / weights.sum()
        index = np.minimum((cdf < self.q - 1e-12).sum(axis=1), costs.shape[1] - 1)
        return np.take_along_axis(costs, order, axis=1)[np.arange(len(costs)), index]

    def __repr__(self) -> str:
        return f"QuantileSpeed({self.q:g})"


# -- description length and circuits ----------------------------------------------------------------

class Uniform(Prior):
    """No preference: every candidate scores 0."""

    name = "none"

    def score(self, candidate):
        return 0.0

    def score_batch(self, batch):
        return np.zeros(len(batch))


class Simplicity(Prior):
    """Description length in bits."""

    name = "simplicity"

    def score(self, candidate):
        return float(candidate.description_bits)

    def score_batch(self, batch):
        return batch.bits.copy()


class LevinKt(Prior):
    """Levin's Kt: description bits + log2(mean cost)."""

    name = "levin-kt"

    def score(self, candidate):
        time = AverageSpeed().score(candidate)
        return float(candidate.description_bits) + math.log2(max(time, 1.0))

    def score_batch(self, batch):
        return batch.bits + np.log2(np.maximum(AverageSpeed().score_batch(batch), 1.0))


class _CircuitPrior(Prior):
    """A number of the candidate's circuit (its program), else its recorded info[measure]."""

    measure = "size"

    def score(self, candidate):
        info = _info(candidate)
        if self.measure not in info:
            raise UnknownNameError(f"candidate {candidate.name!r} has no circuit and no info[{self.measure!r}]")
        return float(info[self.measure])

    def score_batch(self, batch):
        if len(batch) and self.measure not in batch.info:
            raise UnknownNameError(f"the candidates have no circuit and no info[{self.measure!r}]")
        return np.asarray(batch.info.get(self.measure, np.zeros(0)), dtype=np.float64)


class CircuitSize(_CircuitPrior):
    """Number of gates of the candidate's circuit (fewer preferred)."""

    name = "circuit-size"
    measure = "size"


class CircuitDepth(_CircuitPrior):
    """Depth of the candidate's circuit: the longest input-to-output path in gates."""

    name = "circuit-depth"
    measure = "depth"


# -- mixtures ---------------------------------------------------------------------------------------

@dataclass(repr=False)
class Mixture(Prior):
    """A weighted sum of priors (finite, non-negative weights; nested mixtures are flattened)."""

    terms: list[tuple[float, Prior]]

    def __post_init__(self):
        flat: list[tuple[float, Prior]] = []
        for weight, prior in self.terms:
            weight = float(weight)
            if not (math.isfinite(weight) and weight >= 0):
                raise ConfigError(f"mixture weights must be finite and non-negative, got {weight!r}")
            if not isinstance(prior, Prior):
                raise ConfigError(f"a mixture term must be a Prior, got {prior!r}")
            if isinstance(prior, Mixture):
                flat += [(weight * w, p) for w, p in prior.terms]
            else:
                flat.append((weight, prior))
        if not flat:
            raise ConfigError("a mixture needs at least one term")
        self.terms = flat

    @property
    def name(self) -> str:
        return "+".join(f"{w:g}*{p.name}" if w != 1 else p.name for w, p in self.terms)

    def score(self, candidate):
        return float(sum(w * p.score(candidate) for w, p in self.terms if w != 0))

    def score_batch(self, batch):
        total = np.zeros(len(batch))
        for w, p in self.terms:
            if w != 0:  # a zero weight ignores its prior, even where that prior is infinite
                total = total + w * p.score_batch(batch)
        return total

    def __add__(self, other):
        if isinstance(other, Prior):
            return Mixture(self.terms + [(1.0, other)])
        return NotImplemented

    def __rmul__(self, weight):
        return Mixture([(float(weight) * w, p) for w, p in self.terms])

    def __repr__(self) -> str:
        return f"Mixture({self.terms!r})"


# -- the registry -----------------------------------------------------------------------------------

PRIORS: dict[str, Callable[[], Prior]] = {
    "none": Uniform,
    "uniform": Uniform,
    "max": MaxSpeed,
    "average": AverageSpeed,
    "simplicity": Simplicity,
    "levin-kt": LevinKt,
    "circuit-size": CircuitSize,
    "circuit-depth": CircuitDepth,
}
SPEED_PRIORS = (MaxSpeed, AverageSpeed, QuantileSpeed)

_WEIGHT = re.compile(r"^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$")
_QUANTILE = re.compile(r"^q(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$")


def _known() -> str:
    return f"{', '.join(PRIORS)}, qQ (0 <= Q <= 1), or mixtures like 'simplicity+0.5*average'"


def _single(text: str, spec) -> Prior:
    if text in PRIORS:
        return PRIORS[text]()
    if _QUANTILE.match(text) and 0.0 <= float(text[1:]) <= 1.0:
        return QuantileSpeed(float(text[1:]))
    where = "" if text == str(spec).strip().lower() else f" in {str(spec)!r}"
    raise UnknownNameError(f"unknown prior {text!r}{where}; known: {_known()}")


def get_prior(spec: str | Prior) -> Prior:
    """Resolve a name ('none', 'max', 'average', 'simplicity', 'levin-kt', 'circuit-size', 'q0.9') or a
    mixture written 'simplicity+0.5*average' (finite non-negative weights) to a Prior."""
    if isinstance(spec, Prior):
        return spec
    text = str(spec).strip().lower()
    if "+" not in text and "*" not in text:
        return _single(text, spec)
    terms = []
    for part in text.split("+"):
        part = part.strip()
        weight, star, name = part.partition("*") if "*" in part else ("1", "", part)
        weight, name = weight.strip(), name.strip()
        if not part or not name or (star and not _WEIGHT.match(weight)) or "*" in name or not math.isfinite(
                float(weight) if _WEIGHT.match(weight) else 0.0):
            raise ConfigError(f"bad prior mixture {str(spec)!r}: each term is NAME or W*NAME with a finite "
                              f"non-negative number W; known names: {_known()}")
        terms.append((float(weight), _single(name, spec)))
    return Mixture(terms)


def is_speed_prior(prior: Prior) -> bool:
    """True for a statistic of the cost profile (max, average, quantile)."""
    return isinstance(prior, SPEED_PRIORS)
