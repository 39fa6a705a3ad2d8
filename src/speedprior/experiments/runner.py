"""Run one experiment config and write its run directory.

A run directory holds: config.json (the resolved config, defaults filled in), metrics.jsonl
(whatever the experiment logged as it went), the experiment's PNG plots, report.md and, written
last and atomically, summary.json. A run that fails after it started writes `FAILED` (the
error) instead of summary.json. An existing non-empty directory is never written into, and a
config is validated completely before its directory is created. With `tensorboard=True` every
line logged to metrics.jsonl is also written at once as TensorBoard scalars in tensorboard/, to
watch the curves while the run trains.
"""

from __future__ import annotations

import json
import time
import tomllib
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from speedprior.atomic import write_text_atomic
from speedprior.errors import ConfigError
from speedprior.experiments.base import ExperimentConfig, RunContext
from speedprior.experiments.registry import load_kind
from speedprior.files import read_text
from speedprior.results.report import write_run_report
from speedprior.results.tensorboard import LOGDIR, ScalarWriter, tensorboard_available
from speedprior.strict_json import dumps

MAX_SHOWN = 80  # characters of an offending value quoted in an error message


def load_config(source: str | Path | dict) -> ExperimentConfig:
    """Read a TOML file (or take a dict) and validate it against its kind's Config."""
    if isinstance(source, dict):
        raw = dict(source)
    else:
        path = Path(source)
        if not path.exists():
            raise ConfigError(f"config file not found: {path}")
        text = read_text(path, "config file")
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: invalid TOML: {error}") from None
        except RecursionError:  # tomllib parses nested arrays and tables recursively
            raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply") from None
    if "kind" not in raw:
        raise ConfigError("config has no 'kind' key")
    module = load_kind(str(raw["kind"]))
    try:
        return module.Config.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_first_error(error)) from None
    except RecursionError:
        raise ConfigError("config values are nested too deeply") from None


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    message = first["msg"].removeprefix("Value error, ")
    if not first["loc"]:  # a check across keys: the whole config is the input, too long to quote
        return f"config: {message}"
    where = ".".join(str(part) for part in first["loc"])
    shown = repr(first.get("input"))
    if len(shown) > MAX_SHOWN:
        shown = shown[:MAX_SHOWN] + "..."
    return f"config key {where!r}: {message} (got {shown})"


def run_config(source: str | Path | dict, out_dir: str | Path | None = None, quiet: bool = False,
               tensorboard: bool = False) -> dict:
    """Validate a config (TOML file or dict) completely, then run it: what `speedprior run` does."""
    return run_experiment(load_config(source), out_dir, quiet=quiet, tensorboard=tensorboard)


def default_run_dir(config: ExperimentConfig) -> Path:
    """runs/<name or kind>-<timestamp>."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{config.name or config.kind}-{stamp}"


def run_experiment(config: ExperimentConfig, out_dir: str | Path | None = None, quiet: bool = False,
                   tensorboard: bool = False) -> dict:
    """Run `config`, write its run directory and return the summary (with `seconds`, `run_dir`).

    `tensorboard`: also write every logged metric as a TensorBoard scalar in RUN/tensorboard as it is logged.
    """
    out = Path(out_dir) if out_dir is not None else default_run_dir(config)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(f"run directory {out} exists and is not empty; choose another --out")
    if tensorboard and not tensorboard_available():
        raise ConfigError("TensorBoard logging needs TensorBoard: pip install 'speedprior[tensorboard]'")
    module = load_kind(config.kind)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(config.model_dump(mode="json"), indent=2) + "\n")
    (out / "metrics.jsonl").touch()  # present even when a run logs nothing
    ctx = RunContext(out, quiet=quiet, tensorboard=ScalarWriter(out / LOGDIR) if tensorboard else None)
    start = time.perf_counter()
    try:
        summary = module.run(config, ctx)
        summary = {**summary, "seconds": round(time.perf_counter() - start, 3), "run_dir": str(out)}
        _write_report(config, summary, ctx)
        write_run_report(out, summary=json.loads(dumps(summary)))  # report.html, self-contained
        write_text_atomic(out / "summary.json", dumps(summary, indent=2) + "\n")
    except BaseException as error:  # also Ctrl-C: the directory must say the run did not finish
        reason = "interrupted (Ctrl-C)" if isinstance(error, KeyboardInterrupt) else f"{type(error).__name__}: {error}"
        (out / "FAILED").write_text(f"{reason}\n")
        raise
    finally:
        if ctx.tensorboard is not None:
            ctx.tensorboard.close()  # a failed run keeps the curve it logged
    return summary


def _write_report(config: ExperimentConfig, summary: dict, ctx: RunContext) -> None:
    title = config.name or config.kind
    lines = [f"# {title}\n", f"Experiment kind `{config.kind}`, seed {config.seed}, "
             f"{summary['seconds']:.1f} s. Resolved config: `config.json`; summary: `summary.json`.\n"]
    lines += ctx.report
    for figure in ctx.figures:
        lines.append(f"![{figure}]({figure})\n")
    (ctx.out_dir / "report.md").write_text("\n".join(lines))
