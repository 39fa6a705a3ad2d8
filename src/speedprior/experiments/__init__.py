"""Experiments: every `speedprior run CONFIG.toml` kind, one module per kind, named after it.

A kind is a module `speedprior.experiments.<kind>` with a pydantic `Config` (subclass of
`ExperimentConfig`) and a function `run(config, ctx) -> dict` that returns the summary. The
Config checks every key, name and number, so `run_config` refuses a bad config before its run
directory exists. Modules are imported only when their kind is loaded, so the CLI stays fast
and torch is loaded only by the experiments that need it. `speedprior.testing.experiments.
check_experiment` is the contract every kind in `KINDS` passes.
"""

from speedprior.experiments.base import ExperimentConfig, RunContext
from speedprior.experiments.registry import KINDS, load_kind
from speedprior.experiments.runner import load_config, run_config, run_experiment

__all__ = ["KINDS", "ExperimentConfig", "RunContext", "load_config", "load_kind", "run_config", "run_experiment"]
