"""Circuit size and circuit depth as priors: a candidate's circuit, or its recorded numbers."""

from __future__ import annotations

from speedprior.circuits.circuit import Circuit
from speedprior.errors import UnknownNameError
from speedprior.priors import Candidate, Prior


def _measure(candidate: Candidate, measure: str) -> float:
    """Read `measure` from the candidate's Circuit program, else from info[measure]."""
    if isinstance(candidate.program, Circuit):
        return float(candidate.program.size if measure == "size" else candidate.program.depth)
    if measure in candidate.info:
        return float(candidate.info[measure])
    raise UnknownNameError(f"candidate {candidate.name!r} has no circuit and no info[{measure!r}]")


class CircuitSize(Prior):
    """Number of gates of the candidate's circuit (fewer preferred)."""

    name = "circuit-size"

    def score(self, candidate):
        return _measure(candidate, "size")


class CircuitDepth(Prior):
    """Depth of the candidate's circuit: the longest input-to-output path in gates."""

    name = "circuit-depth"

    def score(self, candidate):
        return _measure(candidate, "depth")


CIRCUIT_PRIORS = {"circuit-size": CircuitSize, "circuit-depth": CircuitDepth}
