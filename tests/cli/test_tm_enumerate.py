"""`speedprior tm enumerate --out`: the sharded walk from the command line, killed and resumed, and on Ray."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import speedprior
from tests import processes

KEYS = ["machines", "halted", "nonhalting", "undecided", "max_steps", "max_steps_machine", "max_ones",
        "max_ones_machine", "seconds", "states", "symbols", "budget"]


def _env() -> dict:
    source = str(Path(speedprior.__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}


def _numbers(report: dict) -> dict:
    return {k: v for k, v in report.items() if k not in ("seconds", "shards", "out")}


def _finished(out: Path) -> dict[str, tuple[int, str]]:
    """Shard file -> (inode, text) of every finished shard: what running it again would change."""
    folder = out / "shards"
    return {p.name: (p.stat().st_ino, p.read_text()) for p in folder.glob("*.json")} if folder.is_dir() else {}


def test_sharded_json_has_the_same_keys_and_numbers_plus_shards_and_out(cli, tmp_path):
    code, plain, _ = cli("tm", "enumerate", "-n", "3", "--json")
    assert code == 0
    code, sharded, err = cli("tm", "enumerate", "-n", "3", "--out", str(tmp_path / "e"), "--shards", "5",
                             "--workers", "1", "--json")
    assert code == 0, err
    plain, sharded = json.loads(plain), json.loads(sharded)
    assert list(sharded) == KEYS + ["shards", "out"] and list(plain) == KEYS
    assert _numbers(sharded) == _numbers(plain)
    assert (sharded["shards"], sharded["out"]) == (5, str(tmp_path / "e"))
    assert len(list((tmp_path / "e" / "shards").glob("*.json"))) == 5
    code, again, err = cli("tm", "enumerate", "-n", "3", "--out", str(tmp_path / "e"), "--shards", "5", "--json")
    assert code == 2 and "pass --resume to continue it, --force to start it over" in err
    code, text, _ = cli("tm", "enumerate", "-n", "3", "--out", str(tmp_path / "e"), "--shards", "5", "--resume")
    text = " ".join(text.split())  # the console wraps lines
    assert code == 0 and "4,057 TNF machines" in text and "5 shards in" in text and "(0 run now" in text


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find the workers")
def test_a_kill_at_any_moment_then_resume_loses_and_repeats_no_shard(cli, tmp_path):
    out = tmp_path / "e"
    command = [sys.executable, "-m", "speedprior", "tm", "enumerate", "-n", "4", "-b", "5000", "--shards", "64",
               "--workers", "2", "--out", str(out), "--resume", "--json"]
    seen: dict[str, tuple[int, str]] = {}
    # (finished shards wanted before the signal, the signal): 0 is at once, during start-up; SIGINT is Ctrl-C
    for kill_after, signum in ((0, signal.SIGKILL), (1, signal.SIGINT), (1, signal.SIGKILL)):
        driver = subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        children: set[int] = set()
        deadline = time.monotonic() + 120
        while driver.poll() is None and time.monotonic() < deadline:
            children |= processes.children(driver.pid)
            if kill_after == 0 or len(_finished(out)) >= len(seen) + kill_after:
                break
            time.sleep(0.01)
        driver.send_signal(signum)
        _, err = driver.communicate(timeout=60)
        if signum == signal.SIGINT and driver.returncode != 0:  # it may have finished just before
            assert driver.returncode == 130 and "run the same command with --resume" in err
        finished = _finished(out)
        assert all(finished[name] == seen[name] for name in seen), "a finished shard was lost or run again"
        seen = finished
        for pid in children:  # the workers die with the driver: no shard is left running
            for _ in range(200):
                if not processes.alive(pid):
                    break
                time.sleep(0.05)
            assert not processes.alive(pid), f"worker {pid} outlived the killed driver"
    assert len(seen) < 64, "the walk finished before the last kill; the test no longer tests a kill"
    resumed = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    final = _finished(out)
    assert len(final) == 64 and all(final[name] == seen[name] for name in seen)
    code, plain, _ = cli("tm", "enumerate", "-n", "4", "-b", "5000", "--json")
    assert _numbers(json.loads(resumed.stdout)) == _numbers(json.loads(plain))
    assert not list(out.rglob("*.tmp"))


def test_ray_runs_the_same_shards_and_resumes_there(cli, tmp_path):
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'speedprior[ray]')")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", _env()["PYTHONPATH"])  # Ray's workers import speedprior from here
        context = ray.init(num_cpus=2, object_store_memory=128 * 1024**2, include_dashboard=False,
                           log_to_driver=False, logging_level="warning")
        try:
            command = [sys.executable, "-m", "speedprior", "tm", "enumerate", "-n", "4", "--shards", "6", "--out",
                       str(tmp_path / "e"), "--backend", "ray", "--address", context.address_info["address"],
                       "--json", "--resume"]
            first = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=300)
            assert first.returncode == 0, first.stderr
            done = _finished(tmp_path / "e")
            again = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=300)
            assert again.returncode == 0, again.stderr
        finally:
            ray.shutdown()
    assert len(done) == 6 and _finished(tmp_path / "e") == done  # the resume found every shard done
    code, plain, _ = cli("tm", "enumerate", "-n", "4", "--json")
    assert _numbers(json.loads(first.stdout)) == _numbers(json.loads(again.stdout)) == _numbers(json.loads(plain))
