"""The four interpretability configs reject inconsistent values with a ConfigError naming them, and the
shipped TOML files load."""

import tomllib

import pytest

from speedprior.errors import ConfigError
from speedprior.experiments import load_config
from speedprior.packaged import read


@pytest.mark.parametrize("name", ["compiled-networks", "sae-attribution", "retrodiction", "shared-sae"])
def test_shipped_configs_load(name):
    assert load_config(tomllib.loads(read("config", name))).kind == name


@pytest.mark.parametrize("kind, changes, message", [
    ("compiled-networks", {"n_gates": 2, "n_outputs": 3}, "n_outputs 3 exceeds n_gates 2"),
    ("compiled-networks", {"test_circuits": 4, "imitators": 5}, "imitators 5 exceeds test_circuits 4"),
    ("compiled-networks", {"bases": ["aig", "aig"]}, "bases repeat"),
    ("compiled-networks", {"max_scale": 0.5}, "max_scale"),
    ("sae-attribution", {"relabel_from": 9}, "relabel_from 9 is not a digit below n_digits 8"),
    ("sae-attribution", {"relabel_from": 5}, "relabel_from and relabel_to are both 5"),
    ("sae-attribution", {"layer": 1}, "layer 1 must leave a block above it"),
    ("sae-attribution", {"sae_k": 200}, "sae_k 200 exceeds n_features 128"),
    ("sae-attribution", {"ks": [0]}, "ks must be >= 1"),
    ("retrodiction", {"n_digits": 16, "length": 6}, "candidate prefixes is over 200000"),
    ("shared-sae", {"shared_multipliers": [1, 1]}, "shared_multipliers must be distinct"),
    ("shared-sae", {"n_embd": 50, "n_head": 4}, "n_embd 50 must be a multiple of n_head 4"),
])
def test_inconsistent_configs_are_refused(kind, changes, message):
    with pytest.raises(ConfigError, match=message):
        load_config({"kind": kind, **changes})
