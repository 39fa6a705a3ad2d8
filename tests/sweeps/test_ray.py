"""The Ray backend against a local Ray started by the test: the same trials, the same summaries.

Skipped where Ray (the optional extra `speedprior[ray]`) is not installed. Ray is kept small:
two CPUs, a 128 MiB object store, no dashboard.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import speedprior
from speedprior.sweeps import run_sweep
from tests.sweeps.helpers import TINY_SWEEP, summaries, write_sweep

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'speedprior[ray]')")

SMALL = TINY_SWEEP.replace("budget = [60, 100000]", "budget = [100000]")  # 1 x 2 machines x 2 seeds = 4 trials


@pytest.fixture(scope="module")
def local_ray():
    """A Ray instance on this machine for the module's tests; its address."""
    source = str(Path(speedprior.__file__).resolve().parents[1])
    os.environ["PYTHONPATH"] = os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])  # for Ray's workers
    context = ray.init(num_cpus=2, object_store_memory=128 * 1024**2, include_dashboard=False,
                       log_to_driver=False, logging_level="warning")
    yield context.address_info["address"]
    ray.shutdown()


def test_ray_runs_the_same_trials_as_the_local_pool(local_ray, tmp_path):
    config = write_sweep(tmp_path, SMALL)
    on_ray = run_sweep(config, tmp_path / "ray", backend="ray", quiet=True)
    local = run_sweep(config, tmp_path / "local", workers=1, quiet=True)
    assert on_ray == {**local, "index": str(tmp_path / "ray" / "index.duckdb"),
                      "report": str(tmp_path / "ray" / "report.html")}
    assert on_ray["completed"] == 4
    assert summaries(tmp_path / "ray") == summaries(tmp_path / "local")
    assert json.loads((tmp_path / "ray" / "journal.jsonl").read_text().splitlines()[0])["backend"] == "ray"


def test_the_cli_joins_a_running_cluster_by_address_and_resumes_there(local_ray, tmp_path):
    config = write_sweep(tmp_path, SMALL)
    command = [sys.executable, "-m", "speedprior", "sweep", str(config), "--out", str(tmp_path / "s"),
               "--backend", "ray", "--address", local_ray, "--json"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300, env=os.environ)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["completed"] == 4
    again = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=300, env=os.environ)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == json.loads(first.stdout)
    log = [json.loads(line) for line in (tmp_path / "s" / "journal.jsonl").read_text().splitlines()]
    assert [e["event"] for e in log].count("start") == 4  # the resume found everything done


def test_an_unreachable_cluster_is_one_error_not_a_hang(tmp_path):
    config = write_sweep(tmp_path, SMALL)
    command = [sys.executable, "-m", "speedprior", "sweep", str(config), "--out", str(tmp_path / "s"),
               "--backend", "ray", "--address", "127.0.0.1:1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=os.environ)
    assert result.returncode == 2
    assert result.stderr.startswith("speedprior: error: cannot reach the Ray cluster at 127.0.0.1:1")
    assert not (tmp_path / "s").exists()
