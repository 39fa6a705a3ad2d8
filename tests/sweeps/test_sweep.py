"""Sweeps end to end on the local process pool: trial directories, failures and retries, moved directories."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import speedprior
from speedprior.errors import ConfigError
from speedprior.sweeps import run_sweep
from tests import processes
from tests.sweeps.helpers import TINY_SWEEP, events, summaries, write_sweep

KEYS = {"trials", "completed", "failed", "index", "report"}


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory):
    """The tiny sweep run once on one worker: the reference every other run must reproduce."""
    folder = tmp_path_factory.mktemp("reference")
    result = run_sweep(write_sweep(folder), folder / "sweep", workers=1, quiet=True)
    return folder / "sweep", result


def test_a_sweep_writes_one_complete_run_directory_per_trial(one_worker):
    root, result = one_worker
    assert set(result) == KEYS
    assert (result["trials"], result["completed"], result["failed"]) == (6, 6, 0)
    assert result["index"] == str(root / "index.duckdb") and result["report"] == str(root / "report.html")
    trials = sorted(p.name for p in (root / "trials").iterdir() if not p.name.startswith("."))
    assert len(trials) == 6
    for trial in trials:
        files = {p.name for p in (root / "trials" / trial).iterdir()}
        assert {"config.json", "summary.json", "metrics.jsonl", "report.md", "report.html", "trial.json"} <= files
        summary = json.loads((root / "trials" / trial / "summary.json").read_text())
        assert summary["run_dir"] == f"trials/{trial}"  # relative: the directory can move
    stored = json.loads((root / "sweep.json").read_text())
    assert [t["id"] for t in stored["trials"]] == trials
    assert not any((root / "trials" / ".staging").iterdir())
    # the budget is swept: at 60 steps the quadratic machine cannot finish the longest inputs
    by_budget, by_seed = {}, {}
    for trial in stored["trials"]:
        summary = json.loads((root / "trials" / trial["id"] / "summary.json").read_text())
        machine = "sipser-0n1n-zigzag"
        by_budget[(trial["params"]["budget"], machine)] = summary["machines"][machine]["sorted"]["not_halted"]
        by_seed.setdefault(trial["seed"], []).append(summary["machines"][machine]["sampled"])
    assert by_budget[(100000, "sipser-0n1n-zigzag")] == 0 and by_budget[(60, "sipser-0n1n-zigzag")] > 0
    assert by_seed[0] != by_seed[1]  # the seed reaches the experiment
    assert [e["event"] for e in events(root)].count("completed") == 6


def test_a_raising_trial_is_recorded_retried_then_resumed_after_a_move(one_worker, tmp_path, cli):
    reference, _ = one_worker
    config = write_sweep(tmp_path, TINY_SWEEP)
    root = tmp_path / "sweep"
    shutil.copytree(reference, root)
    first = json.loads((reference / "sweep.json").read_text())["trials"][3]["id"]
    shutil.rmtree(root / "trials" / first)  # as if the sweep had been killed before this trial finished
    # A file where the trial's staging directory must go makes that trial raise on every attempt.
    (root / "trials" / ".staging" / first).write_text("in the way")
    before = len(events(root))
    code, out, err = cli("sweep", str(config), "--out", str(root), "--resume", "--workers", "2", "--json")
    result = json.loads(out)
    assert code == 1 and set(result) == KEYS
    assert (result["trials"], result["completed"], result["failed"]) == (6, 5, 1)
    assert [e["trial"] for e in events(root)[before:] if e["event"] == "start"] == [first, first]
    failure = json.loads((root / "failures" / f"{first}.json").read_text())
    assert [a["attempt"] for a in failure["attempts"]] == [1, 2]  # the first try and one retry (retries = 1)
    assert f".staging/{first}" in failure["attempts"][-1]["error"]  # the error names what was in the way
    assert [e["trial"] for e in events(root) if e["event"] == "gave-up"] == [first]
    html = (root / "report.html").read_text()
    assert "Failed trials" in html and first in html
    # Move the sweep directory, clear the fault and resume there: only the failed trial runs.
    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    shutil.move(root, moved)
    (moved / "trials" / ".staging" / first).unlink()
    before = len(events(moved))
    code, out, _ = cli("sweep", str(config), "--out", str(moved), "--resume", "--json")
    assert code == 0 and json.loads(out) == {"trials": 6, "completed": 6, "failed": 0,
                                             "index": str(moved / "index.duckdb"),
                                             "report": str(moved / "report.html")}
    started = [e["trial"] for e in events(moved)[before:] if e["event"] == "start"]
    assert started == [first]
    assert summaries(moved) == summaries(reference)


def test_a_copied_sweep_resumes_without_rerunning_anything(one_worker, tmp_path):
    reference, _ = one_worker
    copy = tmp_path / "copy"
    shutil.copytree(reference, copy)
    before = len(events(copy))
    result = run_sweep(write_sweep(tmp_path), copy, workers=2, resume=True, quiet=True)
    assert result["completed"] == 6
    assert not [e for e in events(copy)[before:] if e["event"] == "start"]
    assert summaries(copy) == summaries(reference)


def test_an_existing_sweep_needs_resume_and_the_same_config(one_worker, tmp_path):
    reference, _ = one_worker
    copy = tmp_path / "copy"
    shutil.copytree(reference, copy)
    with pytest.raises(ConfigError, match="exists; pass --resume"):
        run_sweep(write_sweep(tmp_path), copy, quiet=True)
    changed = write_sweep(tmp_path, TINY_SWEEP.replace("seeds = [0, 1, 2]", "seeds = [0, 1]"), "changed.toml")
    with pytest.raises(ConfigError, match="different sweep config .*seeds"):
        run_sweep(changed, copy, resume=True, quiet=True)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not a sweep directory"):
        run_sweep(write_sweep(tmp_path), tmp_path / "other", quiet=True)
    assert (tmp_path / "other" / "notes.txt").read_text() == "mine"


def test_resume_of_a_missing_directory_starts_the_sweep(tmp_path):
    config = write_sweep(tmp_path, TINY_SWEEP.replace("budget = [60, 100000]", "budget = [100000]")
                         .replace("seeds = [0, 1, 2]", "seeds = [4]"))
    result = run_sweep(config, tmp_path / "new", workers=1, resume=True, quiet=True)
    assert (result["trials"], result["completed"]) == (1, 1)


def _finished(root: Path) -> dict[str, tuple]:
    """Trial id -> (inode, metrics.jsonl, trial.json) of every finished trial: what a rerun would change."""
    out = {}
    for path in (root / "trials").glob("*/summary.json"):
        folder = path.parent
        out[folder.name] = (folder.stat().st_ino, (folder / "metrics.jsonl").read_text(),
                            (folder / "trial.json").read_text())
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find the workers")
def test_sigkill_or_ctrl_c_of_the_driver_at_any_moment_then_resume_loses_and_repeats_nothing(one_worker, tmp_path):
    reference, _ = one_worker
    config = write_sweep(tmp_path)
    root = tmp_path / "sweep"
    source = str(Path(speedprior.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "speedprior", "sweep", str(config), "--out", str(root), "--workers", "2",
               "--json", "--resume"]
    seen: dict[str, tuple] = {}
    # (finished trials before the signal, the signal): 0 is at once, during start-up; SIGINT is Ctrl-C
    for kill_after, signum in ((0, signal.SIGKILL), (1, signal.SIGINT), (1, signal.SIGKILL)):
        driver = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        children: set[int] = set()
        deadline = time.monotonic() + 120
        while driver.poll() is None and time.monotonic() < deadline:
            children |= processes.children(driver.pid)
            if len(_finished(root)) >= kill_after + len(seen) or kill_after == 0:
                break
            time.sleep(0.02)
        driver.send_signal(signum)
        _, err = driver.communicate(timeout=60)
        if signum == signal.SIGINT and driver.returncode != 0:  # it may have finished just before
            assert driver.returncode == 130 and "--resume" in err
        finished = _finished(root) if root.exists() else {}
        assert all(finished[t] == seen[t] for t in seen), "a finished trial was rewritten"
        seen = finished
        # The workers die with the driver: none is left running a trial.
        for pid in children:
            for _ in range(200):
                if not processes.alive(pid):
                    break
                time.sleep(0.05)
            assert not processes.alive(pid), f"worker {pid} outlived the killed driver"
    assert len(seen) < 6, "the sweep finished before the last kill; the test no longer tests a kill"
    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout) == {"trials": 6, "completed": 6, "failed": 0,
                                          "index": str(root / "index.duckdb"), "report": str(root / "report.html")}
    final = _finished(root)
    assert all(final[t] == seen[t] for t in seen)  # nothing finished before a kill was lost or rerun
    log = events(root)
    for trial in final:  # each trial completed once, and was never started again after it completed
        completed_at = [i for i, e in enumerate(log) if e["event"] == "completed" and e.get("trial") == trial]
        assert len(completed_at) <= 1
        restarted = [e for e in log[completed_at[0] + 1:] if e["event"] == "start" and e["trial"] == trial] \
            if completed_at else []
        assert not restarted
    # killed and resumed on two workers (the last resume runs several trials side by side) == one go, one worker
    assert summaries(root) == summaries(reference)
    assert not any((root / "trials" / ".staging").iterdir())


def test_a_driver_killed_while_writing_sweep_json_leaves_a_resumable_directory(tmp_path):
    config = write_sweep(tmp_path, TINY_SWEEP.replace("budget = [60, 100000]", "budget = [100000]")
                         .replace("seeds = [0, 1, 2]", "seeds = [4]"))
    root = tmp_path / "s"
    root.mkdir()
    (root / "sweep.lock").write_text("")
    (root / ".sweep.json.k2j3h4.tmp").write_text('{"config": {"na')  # what a kill mid-write leaves
    result = run_sweep(config, root, workers=1, resume=True, quiet=True)
    assert (result["trials"], result["completed"]) == (1, 1)
    assert not list(root.glob(".*.tmp"))
