"""The experiment kinds: kind `foo-bar` is the module `speedprior.experiments.foo_bar`."""

from __future__ import annotations

import importlib
from types import ModuleType

from speedprior.errors import UnknownNameError

# Every kind `speedprior run` accepts. A kind is added by writing its module and listing it here.
KINDS: tuple[str, ...] = (
    "tm-compare",
    "tm-to-circuit",
    "levin-search",
    "annealing",
    "deception-selection",
    "natural-deception",
    "pondernet",
    "parity-extrapolation",
    "early-exit",
    "growth",
    "fixed-rollouts",
    "maze-absent-supervisor",
    "maze-cheese",
    "maze-backdoor",
    "generalisation-checks",
    "kt-tradeoff",
    "deception-checks",
    "memory-machines",
    "elicitation",
    "fragility",
    "capability-decay",
    "myopia",
    "formula-size",
    "serial-parallel",
    "rashomon",
    "double-descent",
    "meta-learning",
    "compiled-networks",
    "sae-attribution",
    "retrodiction",
    "shared-sae",
)


def module_name(kind: str) -> str:
    """The module that implements `kind`."""
    return "speedprior.experiments." + kind.replace("-", "_")


def load_kind(kind: str) -> ModuleType:
    """Import and return the module that implements experiment `kind`."""
    if kind not in KINDS:
        shown = kind if len(kind) <= 80 else kind[:80] + "..."
        raise UnknownNameError(f"unknown experiment kind {shown!r}; known kinds: {', '.join(sorted(KINDS))}")
    return importlib.import_module(module_name(kind))
