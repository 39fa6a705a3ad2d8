"""Run one trial of a sweep, in whatever process a backend gives it, so that a crash loses nothing.

The trial runs in `trials/.staging/<id>/` and its finished directory is renamed to `trials/<id>/`
in one step: a trial is complete exactly when `trials/<id>/` exists. A lock file per trial
(`trials/.locks/<id>.lock`, flock) makes two processes that get the same trial (a resumed
driver and a worker the killed driver left behind) run it one after the other; the second
sees the finished directory and returns without running it again.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import traceback
from pathlib import Path

from speedprior.atomic import fsync_dir, write_text_atomic

TRIALS = "trials"
STAGING = ".staging"
LOCKS = ".locks"
# Each trial computes on one thread, so its numbers do not depend on how many workers share the
# machine (parallel reductions in numba or torch can round differently with more threads).
THREAD_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
              "NUMBA_NUM_THREADS": "1"}


def trial_dir(root: Path, trial_id: str) -> Path:
    """Where a finished trial lives, under the sweep directory `root`."""
    return root / TRIALS / trial_id


def is_complete(root: Path, trial_id: str) -> bool:
    """Whether the trial finished (its directory was renamed into place)."""
    return (trial_dir(root, trial_id) / "summary.json").is_file()


def run_trial(root: str, trial: dict, attempt: int, options: dict | None = None) -> dict:
    """Run `trial` (Trial.to_json()) under the sweep directory `root`; return its outcome as plain data.

    `options`: {"sweep": the sweep's name, "tensorboard": also write the curves as TensorBoard events}.

    The outcome is {"trial", "attempt", "status": "completed" | "failed" | "already-complete",
    "seconds", "error", "traceback"}; an exception in the experiment is caught and reported.
    """
    root = Path(root)
    trial_id = trial["id"]
    locks = root / TRIALS / LOCKS
    locks.mkdir(parents=True, exist_ok=True)
    outcome = {"trial": trial_id, "attempt": attempt, "pid": os.getpid()}
    with open(locks / f"{trial_id}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when this process exits, even on SIGKILL
        if is_complete(root, trial_id):
            return {**outcome, "status": "already-complete"}
        staging = root / TRIALS / STAGING / trial_id
        shutil.rmtree(staging, ignore_errors=True)  # a dead attempt's leftovers; we hold the lock
        staging.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        try:
            _run_into(staging, trial, attempt, options or {})
        except Exception as error:  # noqa: BLE001 - a trial's failure is data, recorded and retried
            shutil.rmtree(staging, ignore_errors=True)
            message = " ".join(f"{type(error).__name__}: {error}".split())[:2000]
            return {**outcome, "status": "failed", "seconds": round(time.perf_counter() - start, 3),
                    "error": message, "traceback": traceback.format_exc(limit=20)[-8000:]}
        final = trial_dir(root, trial_id)
        os.rename(staging, final)  # the commit point
        fsync_dir(final.parent)
        return {**outcome, "status": "completed", "seconds": round(time.perf_counter() - start, 3)}


def _run_into(staging: Path, trial: dict, attempt: int, options: dict) -> None:
    from speedprior.experiments import load_config, run_experiment
    from speedprior.results.report import write_run_report

    config = load_config(trial["config"])
    run_experiment(config, staging, quiet=True, tensorboard=bool(options.get("tensorboard")))  # curves live
    summary_path = staging / "summary.json"
    summary = json.loads(summary_path.read_text())
    summary["run_dir"] = f"{TRIALS}/{trial['id']}"  # relative: the sweep directory may move
    write_text_atomic(summary_path, json.dumps(summary, indent=2) + "\n")
    record = {"sweep": options.get("sweep"), "trial": trial["id"], "params": trial["params"], "seed": trial["seed"],
              "attempt": attempt}
    write_text_atomic(staging / "trial.json", json.dumps(record, indent=2) + "\n")
    write_run_report(staging)
    for path in staging.rglob("*"):  # durable before the rename makes the trial count as done
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    fsync_dir(staging)


def init_worker() -> None:
    """Set up a pool worker: single-threaded numerics, Ctrl-C left to the driver, die with the driver."""
    import signal

    os.environ.update(THREAD_ENV)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C and kills the workers
    parent = os.getppid()
    try:  # Linux: SIGKILL this worker when its parent dies, so a killed driver leaves no trial running
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the driver died before prctl took effect
        os._exit(1)
