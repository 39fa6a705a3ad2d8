"""The table of experiment kinds and the config base class they share."""

from __future__ import annotations

import importlib
from types import ModuleType

from pydantic import BaseModel, ConfigDict

from speedprior.errors import UnknownNameError

# kind -> module defining `Config` and `run(config, ctx)`. One line per kind.
KINDS: dict[str, str] = {
    "tm-compare": "speedprior.experiments.tm_compare",
    "tm-to-circuit": "speedprior.circuits.experiment",
    "pondernet": "speedprior.train.experiments.ponder",
    "parity-extrapolation": "speedprior.train.experiments.ponder",
    "early-exit": "speedprior.train.experiments.early_exit",
    "growth": "speedprior.train.experiments.growth",
    "fixed-rollouts": "speedprior.train.experiments.rollouts",
    "deception-selection": "speedprior.testbeds.experiments",
    "natural-deception": "speedprior.testbeds.natural_experiment",
    "levin-search": "speedprior.search.levin_experiment",
    "annealing": "speedprior.search.annealing_experiment",
}


class ExperimentConfig(BaseModel):
    """Keys every config has; each kind adds its own. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    name: str | None = None
    seed: int = 0


def load_kind(kind: str) -> ModuleType:
    """Import and return the module that implements experiment `kind`."""
    if kind not in KINDS:
        raise UnknownNameError(f"unknown experiment kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
    return importlib.import_module(KINDS[kind])
