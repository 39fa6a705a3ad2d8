"""double-descent: label noise, the peak near N = n_train and Proposal 1's stop."""

import pytest
import torch

from speedprior.errors import ConfigError
from speedprior.experiments import load_config, run_config
from speedprior.experiments.double_descent import _noisy, _where
from speedprior.train.data import Dataset


def test_noise_moves_labels_to_other_classes_only():
    y = torch.arange(10).repeat(100)
    data = Dataset(torch.zeros(len(y), 1), y, y.clone())
    noisy = _noisy(data, 0.3, torch.Generator().manual_seed(0))
    changed = (noisy.y != y).float().mean().item()
    assert 0.25 < changed < 0.35
    assert int(noisy.y.min()) >= 0 and int(noisy.y.max()) <= 9
    assert torch.equal(_noisy(data, 0.0, torch.Generator().manual_seed(0)).y, y)


def test_the_peak_sits_at_the_interpolation_threshold(tmp_path):
    summary = run_config({"kind": "double-descent", "n_train": 60, "n_val": 60, "widths": [10, 30, 60, 66, 240, 1000],
                          "targets": [0.2, 0.99], "seeds": 2}, tmp_path / "run", quiet=True)
    assert summary["peak_width"] in (60, 66)
    curve = {r["width"]: r for r in summary["curve"]}
    assert curve[240]["train_accuracy"] == 1.0 and curve[10]["train_accuracy"] < 1.0
    low, unreachable = summary["proposal_1"]
    assert low["reached"] == 2 and low["widths"][0] <= 60
    assert unreachable["reached"] == 0 and unreachable["widths"] == [None, None]


def test_where_counts_ten_percent_as_at_the_peak():
    assert _where(200, 210) == "at the peak" and _where(50, 200) == "before the peak"
    assert _where(1000, 200) == "after the peak"


@pytest.mark.parametrize(("key", "value"), [("noise", 1.5), ("widths", [10]), ("targets", [0.0]), ("seeds", 11),
                                            ("dataset", "mnist")])
def test_bad_configs(key, value):
    with pytest.raises(ConfigError, match=key):
        load_config({"kind": "double-descent", key: value})
    with pytest.raises(ConfigError, match="exceeds the 1348 training digits"):
        load_config({"kind": "double-descent", "n_train": 1000, "n_val": 400})
