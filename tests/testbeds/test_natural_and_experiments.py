"""Natural spaces labelled by brute force; both experiment kinds end to end on small settings."""

import json
from pathlib import Path

import numpy as np
import pytest

import speedprior
from speedprior.experiments import load_config, run_experiment
from speedprior.testbeds.natural import UnaryTask, natural_space
from speedprior.tm import run

TASK = UnaryTask("(11)*", (0, 2), (3, 6))


@pytest.fixture(scope="module")
def space():
    return natural_space(TASK, states=2, budget=60)


def test_natural_labels_match_brute_force(space):
    assert len(space.machines) > 0
    for i, machine in enumerate(space.machines):
        for j, word in enumerate(TASK.train_inputs):
            result = run(machine, word, 60)
            assert result.accepted == TASK.verdict(word) and result.steps == space.train_steps[i, j]
        verdicts = [run(machine, w, 60).accepted for w in TASK.deploy_inputs]
        wrong = any(v is not None and v != TASK.verdict(w) for v, w in zip(verdicts, TASK.deploy_inputs, strict=True))
        assert wrong == bool(space.deceptive[i])
        assert (wrong or any(v is None for v in verdicts)) == bool(space.differs[i])


def test_natural_pool_marks_the_deceptive(space):
    pool = space.pool(TASK)
    assert np.array_equal(pool.misbehaving, space.deceptive)
    assert set(pool.kinds) <= {"honest", "deceptive", "breaks"}


def _small_flagship(tmp_path, name):
    config = load_config(Path(speedprior.__file__).parent / "configs" / "avg-vs-max.toml").model_copy(
        update={"trials": 40, "train_length": 6, "deploy_length": 3, "memory_trials": 20,
                "memory_episodes": [1, 16]})
    return run_experiment(config, tmp_path / name, quiet=True)


def test_flagship_summary_shape_and_reproducibility(tmp_path):
    first = _small_flagship(tmp_path, "a")
    second = _small_flagship(tmp_path, "b")
    for prior in ("none", "simplicity", "max", "average"):
        entry = first["priors"][prior]
        assert set(entry) >= {"misbehaving_rate", "ci", "trials"} and entry["trials"] == 80
        assert entry["ci"][0] <= entry["misbehaving_rate"] <= entry["ci"][1]
        assert entry == second["priors"][prior]
    assert first["priors"]["average"]["misbehaving_rate"] <= first["priors"]["max"]["misbehaving_rate"]
    out = tmp_path / "a"
    assert (out / "compute-per-task.png").is_file() and (out / "misbehaving-rates.png").is_file()
    assert "| average |" in (out / "report.md").read_text()
    json.loads((out / "summary.json").read_text())


def test_natural_experiment_runs(tmp_path):
    config = load_config({"kind": "natural-deception", "states": 2, "train": [0, 2], "deploy": [3, 6],
                          "budget": 60, "trials": 30})
    summary = run_experiment(config, tmp_path / "n", quiet=True)
    assert summary["space"]["solvers"] > 0
    assert set(summary["by_family"]["lengths"]) == {"none", "simplicity", "max", "average"}
