"""Statistics, cost profiles and growth fits."""

import math

import numpy as np
import pytest

from speedprior.errors import SpeedpriorError, UnknownNameError
from speedprior.measure import (
    CostProfile,
    Max,
    Mean,
    Median,
    Quantile,
    all_words,
    fit_growth,
    get_statistic,
    sample_words,
    sorted_words,
)


def test_named_statistics():
    values = np.array([1, 2, 3, 4, 100])
    assert get_statistic("mean")(values) == 22
    assert get_statistic("max")(values) == 100
    assert get_statistic("min")(values) == 1
    assert get_statistic("median")(values) == 3
    assert get_statistic("q0.8")(values) == 4
    assert get_statistic("p100")(values) == 100
    assert get_statistic("std")(np.array([1, 3])) == 1
    assert get_statistic(lambda v: v.sum())(values) == 110


def test_weighted_statistics_ignore_zero_weight_inputs():
    values, weights = np.array([1.0, 5.0, 1000.0]), np.array([3.0, 1.0, 0.0])
    assert Mean()(values, weights) == 2.0
    assert Max()(values, weights) == 5.0
    assert Quantile(0.5)(values, weights) == 1.0
    assert Quantile(0.9)(values, weights) == 5.0


def test_unknown_statistic_and_bad_quantile():
    with pytest.raises(UnknownNameError):
        get_statistic("average-ish")
    with pytest.raises(UnknownNameError):
        Quantile(1.5)


def test_profile_excludes_and_counts_inputs_that_did_not_halt():
    profile = CostProfile.from_inputs(["0", "1", "00", "01"], [3, 5, 7, 10**9], halted=[1, 1, 1, 0])
    rows = profile.summary(["mean", "max"])
    assert rows == [
        {"key": 1, "inputs": 2, "halted": 2, "mean": 4, "max": 5},
        {"key": 2, "inputs": 2, "halted": 1, "mean": 7, "max": 7},
    ]
    assert profile.not_halted == 1
    assert profile.by_cell("max") == {1: 5.0, 2: 7.0}
    assert profile.statistic(Median()) == 5


def test_profile_with_a_custom_partition():
    profile = CostProfile(np.array([1, 2, 3, 4])).with_keys(["even", "odd", "even", "odd"])
    assert profile.by_cell("mean") == {"even": 2.0, "odd": 3.0}


def test_profile_shape_errors():
    with pytest.raises(SpeedpriorError):
        CostProfile(np.array([1, 2]), halted=np.array([True]))
    with pytest.raises(SpeedpriorError):
        CostProfile(np.array([1, 2]), weights=np.array([1.0, -1.0]))


@pytest.mark.parametrize("cls, f", [
    ("1", lambda n: 7.0),
    ("log n", lambda n: 3 * math.log2(n) + 1),
    ("n", lambda n: 5 * n + 3),
    ("n log n", lambda n: n * math.log2(n) + 2 * n),
    ("n^2", lambda n: 0.75 * n * n + 3.5 * n + 3),
    ("n^3", lambda n: n**3 + n),
    ("2^n", lambda n: 2.0**n),
])
def test_growth_fit_names_the_class(cls, f):
    ns = list(range(1, 19))
    fit = fit_growth(ns, [f(n) for n in ns])
    assert fit.growth_class == cls
    assert fit.r2 > 0.99 or cls == "1"


def test_growth_fit_needs_three_points():
    with pytest.raises(SpeedpriorError):
        fit_growth([1, 2], [1, 2])


def test_input_sets():
    words = all_words(2, 3)
    assert words.tolist()[:3] == [[0, 0, 0], [0, 0, 1], [0, 1, 0]] and len(words) == 8
    assert sorted_words(2, 3).tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 1], [1, 1, 1]]
    a, b = sample_words(2, 40, 5, seed=1), sample_words(2, 40, 5, seed=1)
    assert (a == b).all() and a.shape == (5, 40)
    with pytest.raises(SpeedpriorError):
        all_words(2, 40)
