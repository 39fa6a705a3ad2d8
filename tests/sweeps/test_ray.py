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
from speedprior.results.scan import TIMING_KEYS
from speedprior.sweeps import run_sweep
from tests.sweeps.helpers import TINY_SWEEP, summaries, write_sweep

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'speedprior[ray]')")

SMALL = TINY_SWEEP.replace("budget = [60, 100000]", "budget = [100000]").replace("seeds = [0, 1, 2]", "seeds = [0, 1]")


@pytest.fixture(scope="module")
def local_ray():
    """A Ray instance on this machine for the module's tests; its address."""
    source = str(Path(speedprior.__file__).resolve().parents[1])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", os.pathsep.join([source, os.environ.get("PYTHONPATH", "")]))  # Ray's workers
        context = ray.init(num_cpus=2, object_store_memory=128 * 1024**2, include_dashboard=False,
                           log_to_driver=False, logging_level="warning")
        yield context.address_info["address"]
        ray.shutdown()


def test_ray_runs_each_trial_as_run_would(local_ray, tmp_path):
    from speedprior.experiments import load_config, run_experiment

    config = write_sweep(tmp_path, SMALL)
    result = run_sweep(config, tmp_path / "ray", backend="ray", quiet=True)
    assert result == {"trials": 2, "completed": 2, "failed": 0, "index": str(tmp_path / "ray" / "index.duckdb"),
                      "report": str(tmp_path / "ray" / "report.html")}
    stored = json.loads((tmp_path / "ray" / "sweep.json").read_text())["trials"]
    for trial in stored:  # the same numbers as `speedprior run` on the trial's config, here in this process
        direct = run_experiment(load_config(trial["config"]), tmp_path / "direct" / trial["id"], quiet=True)
        assert summaries(tmp_path / "ray")[trial["id"]] == {k: v for k, v in direct.items() if k not in TIMING_KEYS}
    assert json.loads((tmp_path / "ray" / "journal.jsonl").read_text().splitlines()[0])["backend"] == "ray"


def test_the_cli_joins_a_running_cluster_by_address_then_resumes_there(local_ray, tmp_path):
    config = write_sweep(tmp_path, SMALL)
    command = [sys.executable, "-m", "speedprior", "sweep", str(config), "--out", str(tmp_path / "s"),
               "--backend", "ray", "--address", local_ray, "--json"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300, env=os.environ)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["completed"] == 2
    again = run_sweep(config, tmp_path / "s", backend="ray", resume=True, quiet=True)
    assert again == json.loads(first.stdout)
    log = [json.loads(line) for line in (tmp_path / "s" / "journal.jsonl").read_text().splitlines()]
    assert [e["event"] for e in log].count("start") == 2  # the resume found everything done


def test_an_unreachable_cluster_is_one_error_not_a_hang(tmp_path):
    config = write_sweep(tmp_path, SMALL)
    command = [sys.executable, "-m", "speedprior", "sweep", str(config), "--out", str(tmp_path / "s"),
               "--backend", "ray", "--address", "127.0.0.1:1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=os.environ)
    assert result.returncode == 2
    assert result.stderr.startswith("speedprior: error: cannot reach the Ray cluster at 127.0.0.1:1")
    assert not (tmp_path / "s").exists()
