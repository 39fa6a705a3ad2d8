"""A sweep config and its expansion into trials: a base experiment, a grid or a list of points, seeds.

A sweep is plain data (TOML):

    name = "sweep-demo"
    seeds = [0, 1, 2]                 # or `seeds = 3` for 0, 1, 2
    retries = 1                       # a trial that raises is run again up to this many times
    [base]                            # any experiment config (any kind)
    kind = "deception-selection"
    trials = 50
    [grid]                            # the cartesian product of these values ...
    priors = [["max"], ["average"]]
    [[points]]                        # ... times each of these points (a list sweep)
    alpha = 0.5
    tensorboard = false               # true: each trial's curves also as TensorBoard events
    [metrics]                         # optional: named summary paths for the report
    misbehaving_rate = "priors.{priors[0]}.misbehaving_rate"

A parameter name is a key of the base config, dotted for nested tables (`model.width`). Every
trial is validated against its kind's Config before anything runs. A trial's id is its position
and a hash of its parameters and seed, so a resumed sweep finds the same ids.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from speedprior.errors import ConfigError, SpeedpriorError
from speedprior.files import read_text

MAX_TRIALS = 100_000
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
RESERVED = ("kind", "seed", "name")  # set by the sweep itself, never a parameter


class SweepConfig(BaseModel):
    """What a sweep runs: a base experiment config, the parameters to vary, the seeds, the retry limit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None
    base: dict
    grid: dict[str, list] = Field(default_factory=dict)
    points: list[dict] = Field(default_factory=list)
    seeds: list[int] | int = Field(1, validate_default=True)
    retries: int = Field(1, ge=0, le=10)
    metrics: dict[str, str] = Field(default_factory=dict)
    tensorboard: bool = False

    @field_validator("tensorboard")
    @classmethod
    def _tensorboard(cls, value):
        from speedprior.results.tensorboard import tensorboard_available

        if value and not tensorboard_available():
            raise ValueError("needs TensorBoard: pip install 'speedprior[tensorboard]'")
        return value

    @field_validator("name")
    @classmethod
    def _slug(cls, value):
        if value is not None and not SLUG.match(value):
            raise ValueError("must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        return value

    @field_validator("seeds")
    @classmethod
    def _seeds(cls, value):
        seeds = list(range(value)) if isinstance(value, int) else list(value)
        if not 1 <= len(seeds) <= MAX_TRIALS:
            raise ValueError(f"needs 1 to {MAX_TRIALS} seeds")
        if len(set(seeds)) != len(seeds):
            raise ValueError("seeds repeat")
        if any(s < 0 for s in seeds):
            raise ValueError("seeds must be >= 0")
        return seeds

    @field_validator("grid")
    @classmethod
    def _grid(cls, value):
        for key, values in value.items():
            if not values:
                raise ValueError(f"grid parameter {key!r} has no values")
        return value


@dataclass(frozen=True)
class Trial:
    """One run of a sweep: its id, the parameters it sets, its seed and the full experiment config."""

    id: str
    params: dict
    seed: int
    config: dict = field(repr=False)

    def to_json(self) -> dict:
        """Plain data (for sweep.json, a worker, the index)."""
        return {"id": self.id, "params": self.params, "seed": self.seed, "config": self.config}


def load_sweep(source: str | Path | dict) -> SweepConfig:
    """Read a sweep TOML file (or a dict) and validate it."""
    if isinstance(source, dict):
        raw, where = dict(source), "sweep config"
    else:
        text = read_text(source, "sweep config")
        where = str(source)
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{where}: invalid TOML: {error}") from None
    if "kind" in raw:
        raise ConfigError(f"{where} has a 'kind' key: that is an experiment config; run it with `speedprior run`, "
                          "or put it under [base] to sweep it")
    try:
        return SweepConfig.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "config"
        raise ConfigError(f"{where}: key {key!r}: {first['msg']} (got {first.get('input')!r})") from None


def expand(sweep: SweepConfig) -> list[Trial]:
    """Every trial of the sweep, each validated against its experiment kind: grid × points × seeds."""
    from speedprior.experiments import load_config

    base = sweep.base
    if "kind" not in base:
        raise ConfigError("sweep [base] has no 'kind' key")
    names = list(sweep.grid)
    grid = [dict(zip(names, values, strict=True)) for values in itertools.product(*sweep.grid.values())]
    points = []
    for cell in grid:
        for point in sweep.points or [{}]:
            clash = set(cell) & set(point)
            if clash:
                raise ConfigError(f"parameter {sorted(clash)[0]!r} is both in [grid] and in [[points]]")
            points.append({**cell, **point})
    total = len(points) * len(sweep.seeds)
    if total > MAX_TRIALS:
        raise ConfigError(f"the sweep has {total:,} trials; the limit is {MAX_TRIALS:,}")
    width = max(4, len(str(total - 1)))
    trials, seen = [], {}
    for params in points:
        for key in params:
            if key.split(".")[0] in RESERVED:
                raise ConfigError(f"parameter {key!r} cannot be swept (the sweep sets kind, seed and name); "
                                  "use `seeds` for seeds")
        for seed in sweep.seeds:
            raw = _with_params(base, params)
            raw["seed"] = seed
            digest = hashlib.sha256(json.dumps({"params": params, "seed": seed}, sort_keys=True).encode())
            trial_id = f"{len(trials):0{width}d}-{digest.hexdigest()[:8]}"
            key = json.dumps({"params": params, "seed": seed}, sort_keys=True)
            if key in seen:
                raise ConfigError(f"trials {seen[key]} and {trial_id} are the same point; remove the repeat")
            seen[key] = trial_id
            try:
                config = load_config(raw)
            except SpeedpriorError as error:
                raise type(error)(f"trial {trial_id} ({_describe(params, seed)}): {error}") from None
            trials.append(Trial(trial_id, params, seed, _plain(config.model_dump())))
    return trials


def _with_params(base: dict, params: dict) -> dict:
    raw = json.loads(json.dumps(base))  # a deep copy of plain data
    for key, value in params.items():
        node, parts = raw, key.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(f"parameter {key!r}: {part!r} is not a table in [base]")
            node = child
        node[parts[-1]] = value
    return raw


def _plain(value):
    return json.loads(json.dumps(value, default=str))


def _describe(params: dict, seed: int) -> str:
    return ", ".join([f"{k}={v!r}" for k, v in params.items()] + [f"seed={seed}"])
