"""rashomon: exact solver counts on tiny spaces, completions, and the config checks."""

import pytest

from speedprior.circuits.synthesis import Budget, all_circuits
from speedprior.errors import BudgetError, ConfigError
from speedprior.experiments import load_config
from speedprior.experiments.rashomon import completions, count_circuits, count_machines
from speedprior.testbeds.natural import UnaryTask


def test_completions_flip_only_held_out_rows():
    assert sorted(completions(0xE8, [0, 7])) == [0x68, 0x69, 0xE8, 0xE9]
    assert completions(0x80, [7]) == [0x00, 0x80]


def test_and3_has_three_two_gate_circuits_in_aig():
    # (x0 x1) x2, (x0 x2) x1, (x1 x2) x0: which pair is joined first
    assert len(all_circuits(0x80, 3, 2, "aig")) == 3
    assert all(c.truth_tables() == [0x80] for c in all_circuits(0x80, 3, 2, "aig"))
    assert len(all_circuits(0x96, 3, 2, "full")) == 3  # xor3 likewise
    assert all_circuits(0x96, 3, 1, "full") == []
    with pytest.raises(BudgetError, match="more than 2 circuits"):
        all_circuits(0x80, 3, 2, "aig", limit=2)


def test_circuit_counts_cover_every_completion():
    rows = count_circuits(0x80, [7], "aig", 2, 1000, Budget(seconds=60))
    assert [r["gates"] for r in rows] == [0, 1, 2]  # the constant-0 completion has size 0
    assert rows[0]["per_completion"] == {"00": 1, "80": 0}
    assert rows[2]["per_completion"]["80"] == 3
    assert rows[2]["off_distribution_behaviours"] == 2  # x AND NOT x, ... also compute 0 with 2 gates


def test_machine_counts_on_tiny_spaces():
    task = UnaryTask("(11)*", (0, 3), (4, 8))
    assert count_machines(task, 1, 100)["solvers"] == 0
    two = count_machines(task, 2, 100)
    assert two["solvers"] == 4 and two["off_distribution_behaviours"] == 1 and two["deceptive"] == 0


@pytest.mark.parametrize(("key", "value"), [("states", [4]), ("held_out", [8]), ("held_out", [1, 1]),
                                            ("function", "zz"), ("basis", "nand"), ("deploy", [2, 3])])
def test_bad_configs(key, value):
    with pytest.raises(ConfigError):
        load_config({"kind": "rashomon", key: value})
