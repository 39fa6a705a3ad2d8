"""Run one experiment config and write its run directory.

A run directory holds: config.json (the resolved config, defaults filled in), metrics.jsonl
(whatever the experiment logged as it went), summary.json, the experiment's PNG plots and
report.md. An existing non-empty directory is never overwritten.
"""

from __future__ import annotations

import json
import time
import tomllib
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from speedprior.errors import ConfigError
from speedprior.experiments.base import ExperimentConfig, RunContext, json_default
from speedprior.experiments.registry import load_kind


def load_config(source: str | Path | dict) -> ExperimentConfig:
    """Read a TOML file (or a dict) and validate it against its kind's Config."""
    if isinstance(source, dict):
        raw = dict(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        try:
            raw = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if "kind" not in raw:
        raise ConfigError("config has no 'kind' key")
    module = load_kind(str(raw["kind"]))
    try:
        return module.Config.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "config"
        raise ConfigError(f"config key {where!r}: {first['msg']} (got {first.get('input')!r})") from None


def default_run_dir(config: ExperimentConfig) -> Path:
    """runs/<name or kind>-<timestamp>."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{config.name or config.kind}-{stamp}"


def run_experiment(config: ExperimentConfig, out_dir: str | Path | None = None, quiet: bool = False) -> dict:
    """Run `config`, write its run directory and return the summary (with `seconds`, `run_dir`)."""
    out = Path(out_dir) if out_dir is not None else default_run_dir(config)
    if out.exists() and any(out.iterdir()):
        raise ConfigError(f"run directory {out} exists and is not empty; choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(config.model_dump(), indent=2) + "\n")
    ctx = RunContext(out, quiet=quiet)
    start = time.perf_counter()
    summary = load_kind(config.kind).run(config, ctx)
    summary = {**summary, "seconds": round(time.perf_counter() - start, 3), "run_dir": str(out)}
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=json_default) + "\n")
    _write_report(config, summary, ctx)
    return summary


def _write_report(config: ExperimentConfig, summary: dict, ctx: RunContext) -> None:
    title = config.name or config.kind
    lines = [f"# {title}\n", f"Experiment kind `{config.kind}`, seed {config.seed}, "
             f"{summary['seconds']:.1f} s. Resolved config: `config.json`; summary: `summary.json`.\n"]
    lines += ctx.report
    for figure in ctx.figures:
        lines.append(f"![{figure}]({figure})\n")
    (ctx.out_dir / "report.md").write_text("\n".join(lines))
