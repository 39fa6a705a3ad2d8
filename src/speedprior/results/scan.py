"""Read run and sweep directories into plain records: the directories are the truth, everything else is derived.

A run directory has config.json and, once finished, summary.json. A sweep directory has
sweep.json (its trials), trials/<id>/ (finished trials) and failures/<id>.json (failed attempts).
`scan(root)` walks `root` and returns one record per run, including the trials of every sweep
(finished, failed or not yet run); paths in records are relative to `root`.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from speedprior.errors import ConfigError

TIMING_KEYS = ("seconds", "run_dir")  # fields that differ between two runs of the same config


@dataclass
class RunRecord:
    """One run (or one sweep trial), as read from its directory."""

    run: str
    status: str  # completed, failed, incomplete (started, no summary), pending (a sweep trial not run yet)
    kind: str | None = None
    name: str | None = None
    seed: int | None = None
    sweep: str | None = None
    trial: str | None = None
    params: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    summary: dict | None = None
    error: str | None = None
    figures: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float | None:
        """The run's wall time, from its summary."""
        value = (self.summary or {}).get("seconds")
        return float(value) if isinstance(value, (int, float)) else None


@dataclass
class SweepRecord:
    """One sweep directory: its config and its trials' records."""

    sweep: str
    config: dict
    trials: list[RunRecord]

    @property
    def name(self) -> str:
        """The sweep's name (its config's, or its directory's)."""
        return self.config.get("name") or Path(self.sweep).name

    def count(self, status: str) -> int:
        """How many trials have `status`."""
        return sum(t.status == status for t in self.trials)


def read_json(path: Path):
    """The JSON in `path`, or None if it is missing or unreadable (a directory being written)."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def read_run(path: Path, run: str) -> RunRecord:
    """The record of the run directory `path` (named `run` in the index)."""
    config = read_json(path / "config.json") or {}
    summary = read_json(path / "summary.json")
    trial = read_json(path / "trial.json") or {}
    if isinstance(summary, dict):
        status = "completed"
    else:
        summary = None
        status = "failed" if (path / "FAILED").exists() else "incomplete"
    error = None
    if status == "failed":
        try:
            error = " ".join((path / "FAILED").read_text(errors="replace").split())[:2000] or None
        except OSError:
            error = None
    figures = sorted(p.name for p in path.glob("*.png"))
    return RunRecord(run=run, status=status, kind=config.get("kind"), name=config.get("name"),
                     seed=config.get("seed"), trial=trial.get("trial"), params=trial.get("params") or {},
                     config=config, summary=summary, error=error, figures=figures)


def read_sweep(path: Path, sweep: str) -> SweepRecord:
    """The record of the sweep directory `path` (named `sweep` in the index), every trial included."""
    stored = read_json(path / "sweep.json") or {}
    records = []
    for trial in stored.get("trials", []):
        trial_path = path / "trials" / trial["id"]
        run = _join(sweep, f"trials/{trial['id']}")
        if (trial_path / "summary.json").is_file():
            record = read_run(trial_path, run)
        else:
            failure = read_json(path / "failures" / f"{trial['id']}.json")
            status, error = "pending", None
            if failure and failure.get("attempts"):
                status, error = "failed", failure["attempts"][-1].get("error")
            config = trial.get("config", {})
            record = RunRecord(run=run, status=status, kind=config.get("kind"), name=config.get("name"),
                               seed=trial.get("seed"), config=config, error=error)
        record.sweep, record.trial, record.params = sweep, trial["id"], trial.get("params", {})
        records.append(record)
    return SweepRecord(sweep=sweep, config=stored.get("config", {}), trials=records)


def scan(root: str | Path) -> tuple[list[RunRecord], list[SweepRecord]]:
    """Every run and sweep under `root` (root itself may be one): (runs incl. sweep trials, sweeps)."""
    root = Path(root)
    runs, sweeps = [], []
    for folder, subfolders, files in os.walk(root):
        path = Path(folder)
        rel = path.relative_to(root).as_posix()
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        if "sweep.json" in files:
            sweep = read_sweep(path, rel)
            sweeps.append(sweep)
            runs.extend(sweep.trials)
            subfolders.clear()
        elif "config.json" in files and ("summary.json" in files or "metrics.jsonl" in files or "FAILED" in files):
            runs.append(read_run(path, rel))
            subfolders.clear()
    return runs, sweeps


def flatten(value, prefix: str = "") -> dict[str, float]:
    """The numeric leaves of nested dicts, by dotted path (booleans as 0/1; lists and strings skipped)."""
    out = {}
    if isinstance(value, dict):
        for key, child in value.items():
            out.update(flatten(child, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, bool):
        out[prefix] = float(value)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        out[prefix] = float(value)
    return out


def lookup(value, path: str):
    """The value at a dotted path in nested dicts, or None."""
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def metric_path(template: str, params: dict) -> str:
    """A [metrics] path with the trial's parameters filled in (`priors.{priors[0]}.rate`)."""
    try:
        return template.format(**{key.replace(".", "_"): value for key, value in params.items()})
    except (KeyError, IndexError, AttributeError, ValueError) as error:
        raise ConfigError(f"metric path {template!r} cannot be filled from {params!r}: {error}") from None


def _join(base: str, rest: str) -> str:
    return rest if base in ("", ".") else f"{base}/{rest}"
