"""Every registered experiment kind passes `check_experiment` at a tiny size.

A kind added to `experiments.KINDS` without an entry in TINY fails `test_every_kind_has_a_tiny_config`;
one whose run is incomplete, non-deterministic or accepts a bad key or name fails `test_kind_meets_the_contract`.
"""

import json

import pytest

from speedprior.errors import ConfigError
from speedprior.experiments import KINDS, load_config
from speedprior.testing.experiments import check_experiment, check_rejects_bad_names, name_mutations

NN = {"threads": 1}
TINY = {
    "tm-compare": {"machines": ["bb2", "sipser-0n1n-2tape"], "inputs": [{"name": "short", "lengths": "0:3"}]},
    "tm-to-circuit": {"machines": ["sipser-0n1n-zigzag"], "lengths": [1, 2], "sweep_length": 2, "sweep_steps": [2, 4]},
    "levin-search": {"task": "unary-one", "ks": [1], "ls": [1, 8], "max_rounds": 10_000, "max_phase": 12},
    "annealing": {"task": "unary-one", "measure": "max"},
    "deception-selection": {"train_length": 4, "deploy_length": 2, "bases": ["zigzag"],
                            "kinds": ["goof-easy", "sleeper-naive"], "priors": ["max", "average"], "trials": 5,
                            "families": ["lengths"], "probe_families": ["sorted"], "probes": ["fused-sleeper"],
                            "detection_margins": [0.0], "memory_episodes": [1, 2], "memory_trials": 3},
    "natural-deception": {"states": 2, "budget": 40, "priors": ["max", "average"], "trials": 5,
                          "families": ["lengths"], "train": [0, 2], "deploy": [3, 4]},
    "pondernet": {"length": 4, "train_nonzero": [1, 4], "test_nonzero": [1, 4], "n_train": 256, "n_val": 32,
                  "n_test": 32, "hidden": 8, "max_steps": 4, "iterations": 4, "eval_every": 2, "batch_size": 16,
                  "act": True, "act_iterations": 2, "predictor_iterations": 2, "predictor_hidden": 8,
                  "predictor_examples": 64, **NN},
    "parity-extrapolation": {"length": 6, "train_nonzero": [1, 3], "test_nonzero": [4, 6], "encoder": "set",
                             "n_train": 256, "n_val": 32, "n_test": 32, "hidden": 8, "max_steps": 4,
                             "iterations": 4, "eval_every": 2, "batch_size": 16, "predictor_iterations": 0, **NN},
    "early-exit": {"dataset": "mnist1d", "num_samples": 200, "channels": 4, "blocks": 2, "phases": 1,
                   "epochs_per_phase": 1, "batch_size": 32, **NN},
    "growth": {"length": 4, "n_train": 128, "n_val": 32, "n_test": 32, "widths": [2, 4], "depths": [1],
               "iterations": 8, "eval_every": 4, "batch_size": 16, **NN},
    "fixed-rollouts": {"length": 4, "n_train": 128, "n_val": 32, "n_test": 32, "hidden": 4, "pad_dim": 2,
                       "max_rollouts": 2, "iterations": 8, "eval_every": 4, "batch_size": 16, **NN},
    "compiled-networks": {"n_inputs": 3, "n_gates": 4, "train_circuits": 12, "test_circuits": 6, "imitators": 2,
                          "imitation_steps": 50, "interpreter_steps": 20, "interpreter_hidden": 8, **NN},
    "sae-attribution": {"functions": ["copy"], "n_digits": 4, "length": 3, "relabel_from": 1, "relabel_to": 2,
                        "n_embd": 16, "steps": 20, "ft_steps": 10, "ft_seeds": 2, "n_features": 16, "sae_k": 2,
                        "sae_steps": 20, "sae_sequences": 32, "eval_sequences": 16, "ks": [1, 2], **NN},
    "retrodiction": {"functions": ["copy", "sort"], "n_digits": 2, "length": 2, "n_embd": 16, "steps": 20,
                     "test_sequences": 4, **NN},
    "shared-sae": {"functions": ["copy"], "n_digits": 4, "length": 3, "n_layer": 2, "n_embd": 16, "steps": 10,
                   "n_features": 8, "sae_k": 2, "shared_multipliers": [1, 2], "test_sequences": 16, **NN},
}


def tiny(kind: str) -> dict:
    return {"kind": kind, "name": f"tiny-{kind}", "seed": 3, **TINY[kind]}


def test_every_kind_has_a_tiny_config():
    assert set(TINY) == set(KINDS), f"kinds without a tiny config: {set(KINDS) - set(TINY)}"


@pytest.mark.parametrize("kind", KINDS)
def test_kind_meets_the_contract(kind, tmp_path):
    summary = check_experiment(tiny(kind), tmp_path)
    assert summary["run_dir"] == str(tmp_path / "run-a")


def test_name_fields_are_found_in_every_kind():
    """The bad-name check is not vacuous: it finds the name fields each kind declares."""
    from speedprior.experiments import load_kind

    found = {kind: {".".join(map(str, path)) for path, _, _ in name_mutations(load_kind(kind).Config, tiny(kind))}
             for kind in KINDS}
    assert found["deception-selection"] >= {"bases", "kinds", "priors", "families", "probe_families", "probes"}
    assert found["tm-compare"] >= {"machines", "inputs.0.family"}
    assert found["annealing"] >= {"task", "order", "measure"}
    assert found["early-exit"] >= {"dataset", "policies"}
    assert found["pondernet"] >= {"encoder", "halting_rule"}
    assert found["natural-deception"] >= {"priors", "families", "label"}


def test_the_checks_catch_validation_after_the_run_directory_exists(tmp_path, monkeypatch):
    """check_experiment fails a runner that creates the run directory before validating (the old flagship)."""
    from speedprior.testing import experiments as checks

    real = checks.run_config

    def directory_first(raw, out, quiet=False):
        out.mkdir(parents=True)
        return real(raw, out, quiet=quiet)

    monkeypatch.setattr(checks, "run_config", directory_first)
    with pytest.raises(AssertionError, match="only after the run directory was created"):
        check_rejects_bad_names(tiny("tm-compare"), tmp_path)


def test_the_checks_catch_a_name_field_that_accepts_anything(tmp_path, monkeypatch):
    """A Config that does not enforce its name fields (so run() meets the bad machine) is caught."""
    from speedprior.experiments import load_kind

    module = load_kind("tm-to-circuit")

    class Unchecked(module.Config):
        @classmethod
        def model_validate(cls, raw, **kwargs):
            return cls.model_construct(**raw)

    monkeypatch.setattr(module, "Config", Unchecked)
    with pytest.raises(AssertionError, match="bad name in machines was rejected only after the run directory"):
        check_rejects_bad_names({"kind": "tm-to-circuit", **TINY["tm-to-circuit"]}, tmp_path)


def test_the_determinism_check_catches_a_changing_summary(tmp_path, monkeypatch):
    from speedprior.experiments import load_kind

    module = load_kind("tm-compare")
    calls = iter(range(100))
    original = module.run
    monkeypatch.setattr(module, "run", lambda config, ctx: {**original(config, ctx), "draw": next(calls)})
    with pytest.raises(AssertionError, match="different summary.json: .draw: 0 != 1"):
        check_experiment(tiny("tm-compare"), tmp_path)


def test_bad_config_creates_no_run_directory(tmp_path):
    from speedprior.experiments import run_config

    with pytest.raises(ConfigError, match="policies"):
        run_config({**tiny("early-exit"), "policies": ["confidence", "entropyy"]}, tmp_path / "run", quiet=True)
    assert not (tmp_path / "run").exists()


def test_tiny_configs_are_valid_and_resolved():
    for kind in KINDS:
        resolved = load_config(tiny(kind)).model_dump(mode="json")
        assert json.loads(json.dumps(resolved))["seed"] == 3
