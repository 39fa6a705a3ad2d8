"""The three maze experiment kinds end to end at a tiny size, their summaries' shape, and their config checks."""

import json

import pytest

from speedprior.errors import ConfigError
from speedprior.experiments.runner import load_config, run_experiment

# Tiny sizes (a few seconds each): one worker, a couple of seeds, a few PPO iterations.
TINY = {
    "maze-absent-supervisor": {"seeds": 1, "signal_bits": [2], "strengths": [0.5], "total_steps": 1024,
                               "eval_episodes": 8, "hidden": 8, "depth": 2, "workers": 1},
    "maze-cheese": {"seeds": 1, "regions": [1], "strengths": [0.5], "total_steps": 1024, "eval_episodes": 8,
                    "hidden": 8, "depth": 2, "workers": 1},
    "maze-backdoor": {"seeds": 1, "trigger_bits": [1], "strengths": [0.5], "plant_steps": 1024,
                      "fine_tune_steps": 1024, "checkpoints": 1, "eval_episodes": 8, "hidden": 8, "depth": 2,
                      "workers": 1},
}
FIGURES = {"rate_vs_strength.png", "episode_strip.png", "compute_along_trajectory.png"}


@pytest.mark.parametrize("kind", sorted(TINY))
def test_tiny_run_writes_the_issue_shaped_summary(kind, tmp_path):
    config = load_config({"kind": kind, "seed": 1, **TINY[kind]})
    summary = run_experiment(config, tmp_path / "run", quiet=True)
    assert set(summary["priors"]) == {"none", "max", "average"}
    for entry in summary["priors"].values():
        assert entry["seeds"] <= 2
        if entry["seeds"]:  # the backdoor kind leaves out seeds where planting failed
            lo, hi = entry["ci"]
            assert 0.0 <= lo <= entry["misbehaving_rate"] <= hi <= 1.0
            assert {"mean_compute", "return", "true_performance", "detection"} <= set(entry)
            assert set(entry["detection"]) >= {"precision", "recall"}
    files = {p.name for p in (tmp_path / "run").iterdir()}
    assert FIGURES <= files and {"summary.json", "report.md", "metrics.jsonl", "config.json"} <= files
    report = (tmp_path / "run" / "report.md").read_text()
    assert all(f"]({name})" in report for name in FIGURES)


def test_same_seed_same_summary(tmp_path):
    config = load_config({"kind": "maze-cheese", "seed": 2, **TINY["maze-cheese"]})
    a = run_experiment(config, tmp_path / "a", quiet=True)
    b = run_experiment(config, tmp_path / "b", quiet=True)
    strip = {"seconds", "run_dir", "mean_train_seconds"}
    assert json.dumps({k: v for k, v in a.items() if k not in strip}) == \
        json.dumps({k: v for k, v in b.items() if k not in strip})


@pytest.mark.parametrize("kind,bad,match", [
    ("maze-absent-supervisor", {"signal_bits": [6]}, "signal_bits 6 exceeds length 5"),
    ("maze-absent-supervisor", {"priors": ["none", "median"]}, "priors"),
    ("maze-absent-supervisor", {"strengths": [float("nan")]}, "strengths"),
    ("maze-absent-supervisor", {"strengths": [-0.1]}, "strengths"),
    ("maze-cheese", {"regions": [3]}, "region 3 exceeds"),
    ("maze-cheese", {"policy": "lstm"}, "policy"),
    ("maze-cheese", {"seeds": 0}, "seeds"),
    ("maze-backdoor", {"trigger_bits": [4]}, "trigger_bits 4 exceeds"),
    ("maze-backdoor", {"priors": []}, "priors"),
    ("maze-backdoor", {"no_such_key": 1}, "no_such_key"),
])
def test_bad_configs_fail_before_running(kind, bad, match, tmp_path):
    with pytest.raises(ConfigError, match=match):
        load_config({"kind": kind, **bad})


def test_shipped_configs_are_valid():
    from speedprior import packaged

    for name in ("maze-absent-supervisor", "maze-cheese", "maze-backdoor"):
        config = load_config(dict(__import__("tomllib").loads(packaged.read("config", name))))
        assert config.seeds >= 20
