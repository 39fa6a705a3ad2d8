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
    "maze-absent-supervisor": {"seeds": 1, "signal_bits": [2], "strengths": [0.5], "total_steps": 1024,
                               "eval_episodes": 8, "hidden": 8, "depth": 2, "workers": 1},
    "maze-cheese": {"seeds": 1, "regions": [1], "strengths": [0.5], "total_steps": 1024, "eval_episodes": 8,
                    "hidden": 8, "depth": 2, "workers": 1},
    "maze-backdoor": {"seeds": 1, "trigger_bits": [1], "strengths": [0.5], "plant_steps": 1024,
                      "fine_tune_steps": 1024, "checkpoints": 1, "eval_episodes": 8, "hidden": 8, "depth": 2,
                      "workers": 1},
    "elicitation": {"tokens": [1, 2], "seeds": 2, "prompt_steps": 3, "functions": ["copy", "shift"],
                    "behaviour": "shift", "n_digits": 4, "length": 2, "n_layer": 1, "n_head": 1, "n_embd": 16,
                    "train_steps": 20, "eval_size": 16, "protection": True, "refusal_steps": 5},
    "fragility": {"behaviour": "copy", "functions": ["copy", "shift"], "tokens": [1, 2], "fragility_tokens": 2,
                  "relative_noise": [0.0, 0.5], "draws": 2, "prompt_steps": 3, "n_digits": 4, "length": 2,
                  "n_layer": 1, "n_head": 1, "n_embd": 16, "train_steps": 20, "eval_size": 16},
    "capability-decay": {"setups": ["A", "D"], "n_languages": 3, "modulus": 3, "joint_steps": 20, "decay_steps": 20,
                         "eval_every": 10, "eval_size": 8, "n_layer": 1, "n_head": 1, "n_embd": 16},
    "myopia": {"steps": 20, "eval_every": 10, "test_size": 32, "n_layer": 1, "n_head": 1, "n_embd": 16},
    "generalisation-checks": {"states": 2, "budget": 40, "train": [0, 2], "checks": [3, 4], "deploy": [5, 6],
                              "check_budgets": [0, 1], "priors": ["average"], "trials": 4, "families": ["lengths"]},
    "kt-tradeoff": {"pools": ["natural"], "speeds": ["average"], "weights": [0.0, 1.0], "trials": 4,
                    "families": ["lengths"], "natural_states": 2, "natural_budget": 40},
    "deception-checks": {"train_length": 4, "strengths": [0, 2], "bases": ["zigzag"], "kinds": ["sleeper-free",
                         "evader-free"], "priors": ["average"], "trials": 4, "families": ["lengths"]},
    "memory-machines": {"train_length": 3, "deploy_length": 2, "bases": ["zigzag"], "widths": [0, 2],
                        "episodes": [1, 2], "priors": ["average"], "trials": 4, "families": ["lengths"]},
    "formula-size": {"bases": ["xaig"], "bases_4": ["full"], "samples_4": 2, "samples_4_hardest": 0},
    "serial-parallel": {"lengths": [3, 6]},
    "rashomon": {"states": [1, 2], "train": [0, 2], "deploy": [3, 4], "function": "80", "held_out": [7],
                 "extra_gates": 1},
    "double-descent": {"n_train": 20, "n_val": 20, "widths": [5, 20, 80], "targets": [0.3], "seeds": 2},
    "meta-learning": {"task": "unary-even", "states": 2, "inner_states": 2, "ks": [1, 4], "ls": [1], "orders": ["tnf"],
                      "episodes": [1, 100],
                      "priors": ["simplicity", "average"]},
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
