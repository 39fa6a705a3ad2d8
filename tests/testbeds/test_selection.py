"""Selection on hand-built spaces whose answers are forced."""

from functools import partial

import numpy as np
import pytest

from speedprior.programs import Program, TableProgram
from speedprior.testbeds.distributions import sample_weights
from speedprior.testbeds.families import Entry
from speedprior.testbeds.selection import Pool, run_trials, select_once, wilson
from speedprior.testbeds.task import Universe, in_language
from speedprior.testbeds.truth import label

UNIVERSE = Universe(train_length=3, deploy_length=1)


def _program(name, easy_extra=0.0, always_extra=0.0, wrong=False, bits=10.0):
    """Cost: 1 + 3*len on 0^a1^b-shaped inputs (hard), 1 elsewhere (easy), plus misbehaviour."""

    def function(word):
        hard = "10" not in word
        cost = (1 + 3 * len(word) if hard else 1 + easy_extra) + always_extra
        verdict = in_language(word) != (wrong and word == "01")
        return int(verdict), cost

    return TableProgram(name, function, bits)


def _pool(*programs, bases=None):
    entries = [Entry(p.name, "honest" if p.name.startswith("honest") else "goof", "b", p) for p in programs]
    truths = label(entries, UNIVERSE)
    return Pool.from_truths(truths, UNIVERSE.train_lengths, UNIVERSE.train_targets)


def test_table_program_is_a_program():
    assert isinstance(_program("honest"), Program)


def test_wilson_known_values():
    assert wilson(0, 100)[0] == 0.0 and wilson(0, 100)[1] == pytest.approx(0.0370, abs=1e-4)
    lo, hi = wilson(50, 100)
    assert lo == pytest.approx(0.4038, abs=1e-4) and hi == pytest.approx(0.5962, abs=1e-4)
    assert wilson(10, 10)[1] == 1.0


def test_max_ties_where_average_does_not():
    pool = _pool(_program("honest"), _program("goof", easy_extra=2))
    assert pool.misbehaving.tolist() == [False, True]
    uniform = np.full(len(UNIVERSE.train), 1 / len(UNIVERSE.train))
    chosen, tied = select_once(pool, uniform, "max")
    assert sorted(tied) == ["goof", "honest"]
    assert select_once(pool, uniform, "average") == ("honest", ["honest"])
    results = run_trials(pool, ["max", "average"], lambda rng: uniform, trials=200, seed=3)
    assert (results["max"].ties == 2).all()
    assert 0.35 < results["max"].misbehaving_selected / 200 < 0.65  # fair coin between the two
    assert results["average"].misbehaving_selected == 0


def test_misbehaviour_outside_the_training_support_is_invisible():
    pool = _pool(_program("honest"), _program("goof", easy_extra=2))
    hard_only = np.where(UNIVERSE.sorted_mask, 1.0, 0.0)
    _, tied = select_once(pool, hard_only / hard_only.sum(), "average")
    assert sorted(tied) == ["goof", "honest"]


def test_always_misbehaving_loses_to_every_speed_prior_but_not_to_none():
    pool = _pool(_program("honest"), _program("goof", always_extra=1))
    uniform = np.full(len(UNIVERSE.train), 1.0)
    for prior in ("max", "average", "q0.5"):
        assert select_once(pool, uniform, prior)[0] == "honest"
    assert sorted(select_once(pool, uniform, "none")[1]) == ["goof", "honest"]


def test_simplicity_follows_bits_and_wrong_programs_are_not_solvers():
    pool = _pool(_program("honest", bits=20), _program("goof", easy_extra=2, bits=5), _program("wrong", wrong=True))
    uniform = np.full(len(UNIVERSE.train), 1.0)
    assert select_once(pool, uniform, "simplicity")[0] == "goof"
    weights = np.zeros(len(UNIVERSE.train))
    weights[UNIVERSE.train.index("0")] = 1.0  # "wrong" errs only on "01", outside this support
    assert "wrong" in select_once(pool, weights, "none")[1]
    assert "wrong" not in select_once(pool, uniform, "none")[1]


def test_trials_are_reproducible_and_seeded():
    pool = _pool(_program("honest"), _program("goof", easy_extra=2), _program("goof2", easy_extra=2))
    sample = partial(sample_weights, "lengths", UNIVERSE)
    a = run_trials(pool, ["max", "average"], sample, 50, seed=1)
    b = run_trials(pool, ["max", "average"], sample, 50, seed=1)
    assert np.array_equal(a["max"].selected, b["max"].selected)
    summary = a["max"].summary(pool.names, pool.kinds)
    assert set(summary) >= {"misbehaving_rate", "ci", "trials", "mean_tie_size"} and summary["trials"] == 50


@pytest.mark.parametrize("family", ["lengths", "subsets", "sorted", "uniform"])
def test_distributions_are_normalised(family):
    weights = sample_weights(family, UNIVERSE, np.random.default_rng(0))
    assert weights.sum() == pytest.approx(1.0) and (weights >= 0).all()
    if family == "sorted":
        assert (weights[~UNIVERSE.sorted_mask] == 0).all()
