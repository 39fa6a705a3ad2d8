"""Run a sweep: expand it, hand its unfinished trials to a backend, retry failures, index and report.

A sweep directory holds
    sweep.json           the sweep config and its trials (written once, atomically, before any trial)
    journal.jsonl        what the driver did, append-only (journal.py)
    trials/<id>/         one finished run directory per trial (renamed into place when complete)
    failures/<id>.json   the errors of a trial's failed attempts
    index.duckdb         the results index, rebuilt from the directories (speedprior.results.index)
    report.html          the sweep report (speedprior.results.report)
Every path inside is relative, so a moved or copied sweep directory resumes. The resume
guarantee: kill the driver at any moment (even SIGKILL), run the same command with `--resume`,
and no completed trial is lost or run again (tests/sweeps/test_resume.py kills a real one).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from speedprior.atomic import exclusive, is_temporary, write_text_atomic
from speedprior.errors import ConfigError
from speedprior.sweeps.config import SweepConfig, Trial, expand, load_sweep
from speedprior.sweeps.journal import Journal
from speedprior.sweeps.trial import TRIALS, is_complete

SWEEP_FILE = "sweep.json"
LOCK_FILE = "sweep.lock"
FAILURES = "failures"
MAX_WORKERS = 1024


def default_sweep_dir(sweep: SweepConfig, source) -> Path:
    """runs/<sweep name, or the config file's stem>: the same each time, so --resume finds it."""
    stem = sweep.name or (Path(source).stem if not isinstance(source, dict) else "sweep")
    return Path("runs") / stem


def run_sweep(source: str | Path | dict, out: str | Path | None = None, *, workers: int | None = None,
              resume: bool = False, backend: str = "local", address: str | None = None,
              quiet: bool = False) -> dict:
    """Run (or with `resume`, continue) a sweep; return {"trials", "completed", "failed", "index", "report"}."""
    sweep = load_sweep(source)
    trials = expand(sweep)  # every trial validated before anything is written
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise ConfigError(f"--workers must be 1 to {MAX_WORKERS} (got {workers})")
    if backend not in ("local", "ray"):
        raise ConfigError(f"unknown backend {backend!r}; known: local, ray")
    if address is not None and backend != "ray":
        raise ConfigError("--address is for --backend ray")
    root = Path(out) if out is not None else default_sweep_dir(sweep, source)
    record = json.loads(json.dumps({"config": sweep.model_dump(), "trials": [t.to_json() for t in trials]}))
    _check_directory(root, record, resume)
    runner = _backend(backend, workers, address)  # a missing extra fails before the directory is made
    try:
        with exclusive(root, LOCK_FILE, f"sweep directory {root} is being run by another process"):
            _remove_temporaries(root)
            if not (root / SWEEP_FILE).is_file():
                write_text_atomic(root / SWEEP_FILE, json.dumps(record, indent=1) + "\n")
            journal = Journal(root)
            try:
                journal.append("sweep-start", pid=os.getpid(), backend=backend, workers=runner.workers,
                               resume=resume)
                failed = _run_trials(root, trials, sweep, runner, journal, quiet)
                completed = sum(is_complete(root, t.id) for t in trials)
                index, report = _finish(root)
                journal.append("sweep-end", completed=completed, failed=len(failed))
            finally:
                journal.close()
    finally:
        runner.close()
    return {"trials": len(trials), "completed": completed, "failed": len(failed),
            "index": str(index), "report": str(report)}


def _check_directory(root: Path, record: dict, resume: bool) -> None:
    if not root.exists():
        return
    if not root.is_dir():
        raise ConfigError(f"sweep directory {root} is not a directory")
    stored_path = root / SWEEP_FILE
    if not stored_path.is_file():
        leftovers = {p.name for p in root.iterdir() if not _is_temporary(p)} - {LOCK_FILE, "journal.jsonl"}
        if leftovers:  # a driver killed before sweep.json leaves at most the lock and a temporary file
            raise ConfigError(f"{root} exists and is not a sweep directory; choose another --out")
        return
    if not resume:
        raise ConfigError(f"sweep directory {root} exists; pass --resume to continue it, or choose another --out")
    try:
        stored = json.loads(stored_path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ConfigError(f"{stored_path} is unreadable: {error}") from None
    if stored.get("config") != record["config"] or stored.get("trials") != record["trials"]:
        changed = sorted(key for key in set(record["config"]) | set(stored.get("config", {}))
                         if record["config"].get(key) != stored.get("config", {}).get(key))
        raise ConfigError(f"{root} was made by a different sweep config (differs in: "
                          f"{', '.join(changed) or 'trials'}); resume it with the config it was started with, "
                          "or choose another --out")


def _is_temporary(path: Path) -> bool:
    """A file an atomic write or an index build was making when its process was killed."""
    return is_temporary(path) or path.name.startswith(".index.")


def _remove_temporaries(root: Path) -> None:
    for folder in (root, root / FAILURES):
        if folder.is_dir():
            for path in folder.iterdir():
                if _is_temporary(path) and path.is_file():
                    path.unlink(missing_ok=True)


def _backend(name: str, workers: int | None, address: str | None):
    if name == "ray":
        from speedprior.sweeps.ray_backend import RayBackend

        return RayBackend(workers, address)
    from speedprior.sweeps.local import LocalBackend

    return LocalBackend(workers or os.cpu_count() or 1)


def _run_trials(root: Path, trials: list[Trial], sweep: SweepConfig, runner, journal: Journal, quiet: bool) -> set:
    """Run every unfinished trial, at most `runner.workers` at once, retrying failures; return the ids that failed.

    On Ctrl-C or an error in the driver the running trials are stopped; what finished stays finished.
    """
    pending = [t for t in trials if not is_complete(root, t.id)]
    queue = [(t, 1) for t in reversed(pending)]  # popped from the end: trials start in id order
    by_id = {t.id: t for t in trials}
    options = {"sweep": sweep.name, "tensorboard": sweep.tensorboard}
    in_flight, failed = {}, set()
    progress = _Progress(len(trials), len(trials) - len(pending), quiet)
    try:
        while queue or in_flight:
            while queue and len(in_flight) < runner.workers:
                trial, attempt = queue.pop()
                journal.append("start", trial=trial.id, attempt=attempt)
                in_flight[runner.submit(str(root.resolve()), trial.to_json(), attempt, options)] = trial.id
            for handle, outcome in runner.wait(list(in_flight)):
                trial, attempt = by_id[in_flight.pop(handle)], outcome["attempt"]
                if outcome["status"] != "failed":  # completed, or already-complete (finished by a killed driver)
                    journal.append(outcome["status"], trial=trial.id, attempt=attempt,
                                   seconds=outcome.get("seconds"), pid=outcome.get("pid"))
                    progress.advance()
                    continue
                journal.append("failed", trial=trial.id, attempt=attempt, error=outcome["error"],
                               pid=outcome.get("pid"))
                _record_failure(root, trial, outcome)
                if attempt <= sweep.retries:
                    queue.append((trial, attempt + 1))
                else:
                    failed.add(trial.id)
                    journal.append("gave-up", trial=trial.id, attempts=attempt)
                    progress.advance(failed=True)
    except BaseException:
        runner.abort()
        journal.append("sweep-interrupted")
        raise
    finally:
        progress.close()
    return failed


def _record_failure(root: Path, trial: Trial, outcome: dict) -> None:
    path = root / FAILURES / f"{trial.id}.json"
    try:
        record = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        record = {"trial": trial.id, "params": trial.params, "seed": trial.seed, "attempts": []}
    record["attempts"].append({k: outcome.get(k) for k in ("attempt", "error", "traceback", "seconds")})
    write_text_atomic(path, json.dumps(record, indent=1) + "\n")


def _finish(root: Path) -> tuple[Path, Path]:
    from speedprior.results.index import build_index
    from speedprior.results.report import write_sweep_report

    return build_index(root), write_sweep_report(root)


class _Progress:
    """A progress bar on stderr: trials done (and failed) of all."""

    def __init__(self, total: int, done: int, quiet: bool):
        self._progress = None
        if quiet:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), console=Console(stderr=True), transient=True)
        self._task = self._progress.add_task("trials", total=total, completed=done)
        self._failed = 0
        self._progress.start()

    def advance(self, failed: bool = False) -> None:
        if self._progress is None:
            return
        self._failed += failed
        description = f"trials ({self._failed} failed)" if self._failed else "trials"
        self._progress.update(self._task, advance=1, description=description)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


__all__ = ["run_sweep", "default_sweep_dir", "TRIALS"]
