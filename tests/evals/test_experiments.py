"""The four evaluation kinds end to end at tiny sizes: run directory, summary shapes, bad configs."""

import json

import pytest

from speedprior.errors import ConfigError
from speedprior.experiments.runner import load_config, run_experiment

TINY = {
    "elicitation": dict(kind="elicitation", tokens=[1, 2], seeds=2, prompt_steps=3, functions=["copy", "shift"],
                        behaviour="shift", n_digits=4, length=2, n_layer=1, n_head=1, n_embd=16, train_steps=20,
                        eval_size=16, protection=True, refusal_steps=5),
    "fragility": dict(kind="fragility", behaviour="copy", functions=["copy", "shift"], tokens=[1, 2],
                      fragility_tokens=2, relative_noise=[0.0, 0.5], draws=2, prompt_steps=3, n_digits=4, length=2,
                      n_layer=1, n_head=1, n_embd=16, train_steps=20, eval_size=16),
    "capability-decay": dict(kind="capability-decay", setups=["A", "D"], n_languages=3, modulus=3, joint_steps=20,
                             decay_steps=20, eval_every=10, eval_size=8, n_layer=1, n_head=1, n_embd=16),
    "myopia": dict(kind="myopia", steps=20, eval_every=10, test_size=32, n_layer=1, n_head=1, n_embd=16),
}


def needs_peft(kind):
    if kind in ("elicitation", "fragility"):
        pytest.importorskip("transformers")
        pytest.importorskip("peft")


def run_tiny(kind, tmp_path, **changes):
    needs_peft(kind)
    config = load_config({**TINY[kind], **changes})
    summary = run_experiment(config, tmp_path / "run", quiet=True)
    files = {p.name for p in (tmp_path / "run").iterdir()}
    assert {"config.json", "metrics.jsonl", "summary.json", "report.md"} <= files
    report = (tmp_path / "run" / "report.md").read_text()
    pngs = [f for f in files if f.endswith(".png")]
    assert pngs and all(f"]({f})" in report for f in pngs)
    return summary


def test_elicitation_summary_shape(tmp_path):
    s = run_tiny("elicitation", tmp_path)
    for curve in (s["curve"], s["control_curve"], s["norm_bounded"]["curve"], s["protection"]["curve"]):
        assert [p["tokens"] for p in curve] == [1, 2]
        assert all(len(p["ci"]) == 2 and p["ci"][0] <= p["score"] <= p["ci"][1] for p in curve)
    assert all(key in s for key in ("k_star", "control_k_star", "ceiling", "zero_token_score"))
    assert s["k_star"] in (None, 1, 2) and 0 <= s["protection"]["refusal_rate"] <= 1
    assert s["ceiling"] >= max(p["score"] for p in s["curve"])


def test_elicitation_is_deterministic(tmp_path):
    needs_peft("elicitation")
    config = load_config({**TINY["elicitation"], "protection": False, "norm_bounded": False, "tokens": [1]})
    a = run_experiment(config, tmp_path / "a", quiet=True)
    b = run_experiment(config, tmp_path / "b", quiet=True)
    strip = ("seconds", "run_dir")
    assert {k: v for k, v in a.items() if k not in strip} == {k: v for k, v in b.items() if k not in strip}


def test_fragility_summary_shape(tmp_path):
    s = run_tiny("fragility", tmp_path)
    assert [p["relative_noise"] for p in s["fragility"]] == [0.0, 0.5]
    assert s["gradient_norm"] >= 0 and len(s["behaviours"]) == 4
    assert set(s["correlation"]) == {"auc_vs_fragility_drop", "auc_vs_gradient_norm", "fragility_drop_vs_gradient_norm"}


def test_capability_decay_summary_shape(tmp_path):
    s = run_tiny("capability-decay", tmp_path)
    assert set(s["setups"]) == {"A", "D"}
    for v in s["setups"].values():
        assert {"half_life_steps", "forgetting", "bwt", "accuracy_matrix"} <= set(v)
    assert "held_out_final" in s["setups"]["D"] and "held_out_final" not in s["setups"]["A"]
    logged = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert len(logged) == 2 * 5  # per setup: step 0 and every 10 steps up to 40


def test_myopia_summary_shape(tmp_path):
    s = run_tiny("myopia", tmp_path)
    assert s["gap_task"] == "pair-count" and set(s["tasks"]) == {"pair-count", "token-count"}
    r = s["tasks"]["pair-count"]
    assert s["myopia_gap"] == pytest.approx(r["myopic"]["loss"] - r["vanilla"]["loss"], abs=2e-4)


@pytest.mark.parametrize("kind,bad,match", [
    ("elicitation", {"behaviour": "sort"}, "not one of functions"),
    ("elicitation", {"tokens": [4, 2]}, "increasing"),
    ("elicitation", {"model": "gpt5"}, "model"),
    ("elicitation", {"prompt_lr": float("nan")}, "prompt_lr"),
    ("elicitation", {"model": "smollm2", "protection": True}, "model 'small-gpt' only"),
    ("fragility", {"fragility_tokens": 3}, "one of tokens"),
    ("fragility", {"relative_noise": [0.1, 0.5]}, "start at 0"),
    ("capability-decay", {"setups": ["E"]}, "setups"),
    ("capability-decay", {"joint_steps": 25}, "multiples"),
    ("capability-decay", {"n_languages": 2}, "n_languages"),
    ("myopia", {"tasks": ["pair-count", "pair-count"]}, "repeat"),
    ("myopia", {"n_embd": 15, "n_head": 2}, "multiple"),
    ("myopia", {"colour": "red"}, "colour"),
])
def test_bad_configs_fail_before_running(kind, bad, match):
    with pytest.raises(ConfigError, match=match):
        load_config({**TINY[kind], **bad})
