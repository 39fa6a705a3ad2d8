"""Speed plus simplicity: the mixture's ends, Levin's Kt, and a flip at a weight known in advance."""

import numpy as np
import pytest

from speedprior.errors import ConfigError
from speedprior.priors import CandidateBatch, get_prior
from speedprior.testbeds.selection import Pool, run_trials
from speedprior.testbeds.tradeoff import Tradeoff, flip

KEYS = np.array([0, 1])
TARGETS = np.array([1, 0], dtype=np.int8)


def _batch():
    costs = np.array([[1.0, 3.0], [2.0, 2.0], [8.0, 1.0]])
    return CandidateBatch(("a", "b", "c"), costs, np.ones_like(costs, dtype=bool), np.array([0.25, 0.75]),
                          np.array([20.0, 10.0, 5.0]), {})


def test_the_ends_are_speed_and_simplicity():
    batch = _batch()
    assert np.allclose(Tradeoff(0.0, "average").score_batch(batch), get_prior("average").score_batch(batch))
    assert np.allclose(Tradeoff(0.0, "max").score_batch(batch), get_prior("max").score_batch(batch))
    heavy = Tradeoff(1e6, "average").score_batch(batch)
    assert np.argsort(heavy).tolist() == np.argsort(batch.bits).tolist()


def test_log_average_at_weight_one_is_levin_kt():
    batch = _batch()
    assert np.allclose(Tradeoff(1.0, "average", log_time=True).score_batch(batch),
                       get_prior("levin-kt").score_batch(batch))
    assert Tradeoff(0.5, "max", True).name == "0.5*simplicity+log2(max)"


def test_bad_tradeoffs_are_refused():
    with pytest.raises(ConfigError, match="speed"):
        Tradeoff(1.0, "median")
    with pytest.raises(ConfigError, match="weight"):
        Tradeoff(-1.0)


def test_selection_flips_at_the_weight_where_the_scores_cross():
    # fast but complex (misbehaving): 20 w + 1; slow but simple (honest): 10 w + 2; they cross at w = 0.1
    costs = np.array([[1.0, 1.0], [2.0, 2.0]])
    pool = Pool(["fast", "simple"], ["bad", "good"], costs, np.ones((2, 2), dtype=bool), np.tile(TARGETS, (2, 1)),
                np.array([20.0, 10.0]), np.array([True, False]), KEYS, TARGETS)
    weights = [0.0, 0.05, 0.09, 0.11, 0.2]
    results = run_trials(pool, [Tradeoff(w) for w in weights], lambda rng: np.array([0.5, 0.5]), 5)
    rates = [results[Tradeoff(w).name].misbehaving_selected / 5 for w in weights]
    assert rates == [1.0, 1.0, 1.0, 0.0, 0.0]
    found = flip(weights, rates, [(r, r) for r in rates], (1.0, (0.9, 1.0)), (0.0, (0.0, 0.1)))
    assert found["flips"] and 0.09 < found["weight"] < 0.11 and found["bracket"] == [0.09, 0.11]


def test_flip_reports_overlapping_ends_as_no_flip():
    found = flip([0.0, 1.0], [0.1, 0.1], [(0.0, 0.2), (0.0, 0.2)], (0.1, (0.0, 0.2)), (0.05, (0.0, 0.15)))
    assert not found["flips"] and found["weight"] is None


def test_flip_interpolates_linearly_from_zero():
    found = flip([0.0, 0.01], [1.0, 0.0], [(0.9, 1.0), (0.0, 0.1)], (1.0, (0.9, 1.0)), (0.0, (0.0, 0.1)))
    assert found["weight"] == pytest.approx(0.005)
