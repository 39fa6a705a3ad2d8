"""Every shipped neural config runs end to end with a tiny budget; configs reject unknown keys."""

import tomllib

import pytest

from speedprior import packaged
from speedprior.errors import ConfigError
from speedprior.experiments import load_config, run_experiment

TINY = {
    "pondernet-parity": {"n_train": 2000, "n_val": 200, "n_test": 400, "iterations": 30, "eval_every": 10,
                         "predictor_iterations": 20},
    "parity-extrapolation": {"n_train": 2000, "n_val": 200, "n_test": 400, "iterations": 30, "eval_every": 10,
                             "predictor_iterations": 20, "act_iterations": 30},
    "early-exit-mnist1d": {"num_samples": 300, "phases": 2, "epochs_per_phase": 1, "channels": 4},
    "growth-parity": {"widths": [2, 4], "depths": [1], "iterations": 30, "n_train": 500, "n_val": 200},
    "fixed-rollouts-parity": {"max_rollouts": 2, "iterations": 30, "n_train": 500, "n_val": 200, "n_test": 200},
}


@pytest.mark.parametrize("name", sorted(TINY))
def test_shipped_config_runs_with_a_tiny_budget(name, tmp_path):
    raw = tomllib.loads(packaged.read("config", name))
    config = load_config({**raw, **TINY[name]})
    summary = run_experiment(config, tmp_path / "run", quiet=True)
    assert (tmp_path / "run" / "summary.json").is_file() and (tmp_path / "run" / "report.md").is_file()
    assert "seconds" in summary
    if raw["kind"] in ("pondernet", "parity-extrapolation"):
        assert 0 <= summary["accuracy"] <= 1 and summary["ponder_steps_by_difficulty"]
    if raw["kind"] == "parity-extrapolation":
        assert "act_accuracy" in summary
    if raw["kind"] == "early-exit":
        assert {"final_exit_accuracy", "flops_saved", "mean_flops"} <= set(summary)
    if raw["kind"] == "growth":
        assert "selected_size" in summary and summary["compute_to_target"] > 0
    if raw["kind"] == "fixed-rollouts":
        assert "minimal_rollouts" in summary


@pytest.mark.parametrize("kind", ["pondernet", "early-exit", "growth", "fixed-rollouts", "parity-extrapolation"])
def test_unknown_keys_are_config_errors(kind):
    with pytest.raises(ConfigError, match="bogus"):
        load_config({"kind": kind, "bogus": 1})


def test_bad_ranges_are_config_errors():
    with pytest.raises(ConfigError):
        load_config({"kind": "pondernet", "length": 4, "test_nonzero": [3, 9]})


def test_growth_and_early_exit_run_on_bundled_digits(tmp_path):
    growth = load_config({"kind": "growth", "dataset": "digits", "widths": [4], "depths": [1], "iterations": 5,
                          "eval_every": 5})
    summary = run_experiment(growth, tmp_path / "growth", quiet=True)
    assert summary["sizes_tried"] == 1 and summary["compute_to_target"] > 0
    early = load_config({"kind": "early-exit", "dataset": "digits", "phases": 1, "epochs_per_phase": 1,
                         "channels": 4, "blocks": 2})
    assert 0 <= run_experiment(early, tmp_path / "early", quiet=True)["flops_saved"] <= 1


def test_pondernet_with_set_encoder_runs(tmp_path):
    config = load_config({"kind": "parity-extrapolation", "length": 6, "train_nonzero": [1, 3],
                          "test_nonzero": [4, 6], "encoder": "set", "hidden": 8, "n_train": 500, "n_val": 100,
                          "n_test": 100, "iterations": 10, "act": True, "act_iterations": 10,
                          "act_halt_bias": -2.0, "predictor_iterations": 5})
    summary = run_experiment(config, tmp_path / "run", quiet=True)
    assert set(summary["ponder_steps_by_difficulty"]) == {"4", "5", "6"} and "act_accuracy" in summary


def test_same_config_and_seed_give_the_same_numbers(tmp_path):
    raw = {**tomllib.loads(packaged.read("config", "pondernet-parity")), **TINY["pondernet-parity"]}
    first, second = (run_experiment(load_config(raw), tmp_path / name, quiet=True) for name in ("a", "b"))
    drop = {"seconds", "run_dir", "train_seconds"}
    assert {k: v for k, v in first.items() if k not in drop} == {k: v for k, v in second.items() if k not in drop}


@pytest.mark.parametrize("change, key", [
    ({"kind": "early-exit", "policies": ["confidence", "entropyy"]}, "policies.1"),
    ({"kind": "early-exit", "dataset": "mnist"}, "dataset"),
    ({"kind": "early-exit", "exit_weights": [1.0, float("nan"), 1, 1, 1, 1]}, "exit_weights.1"),
    ({"kind": "pondernet", "encoder": "rnn"}, "encoder"),
    ({"kind": "pondernet", "halting_rule": "mean"}, "halting_rule"),
    ({"kind": "pondernet", "lr": float("inf")}, "lr"),
    ({"kind": "growth", "widths": []}, "widths"),
    ({"kind": "growth", "depths": [0]}, "depths.0"),
    ({"kind": "fixed-rollouts", "seed": 2**63}, "seed"),
])
def test_bad_names_and_numbers_fail_validation(change, key):
    with pytest.raises(ConfigError, match=f"config key '{key}'"):
        load_config(change)


def test_config_name_lists_are_exactly_what_the_library_dispatches_on():
    """POLICIES and HALTING_RULES mirror train's dispatch: each listed name runs, an unlisted one raises."""
    import torch

    from speedprior.experiments.early_exit import POLICIES
    from speedprior.experiments.pondernet import HALTING_RULES
    from speedprior.train.early_exit import ExitPolicy
    from speedprior.train.pondernet import GRUStep, PonderNet

    logits = torch.randn(5, 3)
    for kind in POLICIES:
        assert ExitPolicy(kind, 0.5).score(logits).shape == (5,)
    with pytest.raises(ValueError, match="unknown exit policy"):
        ExitPolicy("no-such-policy", 0.5).score(logits)
    torch.manual_seed(0)
    model = PonderNet(GRUStep(4, 8, 2), 3)
    x = torch.randn(6, 4)
    for rule in HALTING_RULES:
        assert model.infer(x, rule=rule, generator=torch.Generator().manual_seed(0)).steps.shape == (6,)
    with pytest.raises(ValueError, match="unknown halting rule"):
        model.infer(x, rule="no-such-rule")
