"""The formula-size experiment: its comparison on a fixed set of functions and its config checks."""

import pytest

from speedprior.errors import ConfigError
from speedprior.experiments import load_config, run_config


def test_xaig_agrees_and_aig_finds_the_known_gaps(tmp_path):
    summary = run_config({"kind": "formula-size", "bases": ["xaig"], "bases_4": [], "samples_4": 0},
                         tmp_path / "run", quiet=True)
    (xaig,) = summary["comparisons"]
    assert xaig["functions"] == 256 and xaig["formula_larger"] == 0 and xaig["kendall_tau"] == 1.0
    assert xaig["named"]["xor3"] == {"circuit": 2, "formula": 2}
    assert (tmp_path / "run" / "formula_vs_circuit.png").exists()


def test_disagreements_count_opposite_pairs_and_split_ties():
    import numpy as np

    from speedprior.experiments.formula_size import _disagreements

    circuit, formula = np.array([1, 2, 2, 3]), np.array([1, 3, 2, 2])
    discordant, ordered, split, _ = _disagreements(circuit, formula)
    # pairs: (2,3) tied in circuit, split by formula; (1,3): 2<3 but 3>2 discordant; (2,3)/(1,2)... counted below
    assert ordered == 5 and split == 1 and discordant == 1


@pytest.mark.parametrize(("key", "value"), [("bases", ["nand"]), ("bases", []), ("samples_4", -1),
                                            ("seconds_per_function", float("nan"))])
def test_bad_config_values_are_rejected(key, value):
    with pytest.raises(ConfigError, match=key):
        load_config({"kind": "formula-size", key: value})
