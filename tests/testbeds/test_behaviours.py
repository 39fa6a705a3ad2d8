"""Rates over machines and over behaviours: near-copies of one behaviour must not outvote another."""

import numpy as np
import pytest

from speedprior.errors import SpeedpriorError
from speedprior.testbeds.selection import Pool, behaviour_ids, pooled, run_trials

KEYS = np.array([0, 1, 2])
TARGETS = np.array([1, 0, 1], dtype=np.int8)


def _pool(copies_bad: int, copies_good: int = 1, bad_cost: float = 2.0, good_cost: float = 2.0) -> Pool:
    """`copies_bad` identical misbehaving programs and `copies_good` identical honest ones."""
    n = copies_bad + copies_good
    costs = np.array([[bad_cost] * 3] * copies_bad + [[good_cost] * 3] * copies_good)
    bad = np.array([True] * copies_bad + [False] * copies_good)
    return Pool([f"p{i}" for i in range(n)], ["bad"] * copies_bad + ["good"] * copies_good, costs,
                np.ones((n, 3), dtype=bool), np.tile(TARGETS, (n, 1)), np.full(n, 10.0), bad, KEYS, TARGETS)


def _uniform(rng):
    return np.full(3, 1 / 3)


def test_behaviour_ids_group_identical_rows_only():
    ids = behaviour_ids([[1, 2], [1, 2], [1, 3]], [0, 0, 0])
    assert ids[0] == ids[1] != ids[2]
    # the label is part of the behaviour: same costs, different label, different behaviour
    ids = behaviour_ids([[1, 2], [1, 2]], [True, False])
    assert ids[0] != ids[1]


def test_default_behaviours_come_from_the_training_data():
    pool = _pool(copies_bad=9)
    assert np.unique(pool.behaviours).size == 2
    assert np.unique(pool.behaviours[:9]).size == 1


def test_nine_copies_outvote_one_over_machines_but_not_over_behaviours():
    result = run_trials(_pool(copies_bad=9), ["none"], _uniform, 400, seed=1)["none"]
    s = result.summary()
    assert s["counted_over"] == "machines"
    assert s["tie_averaged_rate"] == pytest.approx(0.9)
    assert s["by_behaviour"]["tie_averaged_rate"] == pytest.approx(0.5)
    assert s["mean_tie_size"] == 10 and s["by_behaviour"]["mean_tie_size"] == 2
    lo, hi = s["by_behaviour"]["ci"]
    assert lo < 0.5 < hi
    assert s["ci"][0] > 0.8


def test_a_strict_winner_is_the_same_over_machines_and_behaviours():
    result = run_trials(_pool(copies_bad=9, good_cost=1.0), ["average"], _uniform, 50)["average"]
    s = result.summary()
    assert s["misbehaving_rate"] == 0 and s["by_behaviour"]["misbehaving_rate"] == 0
    assert s["mean_tie_size"] == 1 and s["by_behaviour"]["mean_tie_size"] == 1


def test_admit_restricts_the_candidates():
    pool = _pool(copies_bad=9)
    honest_only = np.array([False] * 9 + [True])
    result = run_trials(pool, ["none"], _uniform, 20, admit=lambda t: honest_only)["none"]
    assert result.misbehaving_selected == 0 and (result.ties == 1).all()
    with pytest.raises(SpeedpriorError, match="no program"):
        run_trials(pool, ["none"], _uniform, 1, admit=lambda t: np.zeros(10, dtype=bool))


def test_admitting_everything_reproduces_the_unrestricted_selection():
    pool = _pool(copies_bad=5, copies_good=3)
    free = run_trials(pool, ["none", "max"], _uniform, 30, seed=4)
    everything = run_trials(pool, ["none", "max"], _uniform, 30, seed=4, admit=lambda t: np.ones(8, dtype=bool))
    for name in free:
        assert np.array_equal(free[name].selected, everything[name].selected)
        assert np.array_equal(free[name].selected_behaviour, everything[name].selected_behaviour)


def test_pooled_keeps_behaviours():
    pool = _pool(copies_bad=9)
    a = run_trials(pool, ["none"], _uniform, 5, seed=0)
    b = run_trials(pool, ["none"], _uniform, 7, seed=1)
    both = pooled([a, b])["none"]
    assert both.trials == 12 and both.summary()["by_behaviour"]["trials"] == 12


def test_behaviours_must_have_one_id_per_program():
    with pytest.raises(SpeedpriorError, match="behaviours"):
        Pool(["a"], ["x"], np.ones((1, 3)), np.ones((1, 3), dtype=bool), np.tile(TARGETS, (1, 1)), np.ones(1),
             np.zeros(1, dtype=bool), KEYS, TARGETS, np.array([0, 1]))
