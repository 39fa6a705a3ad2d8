"""Fuzzing the measure parsers and checks: only a SpeedpriorError escapes."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedprior.errors import SpeedpriorError
from speedprior.measure.growth import fit_growth
from speedprior.measure.inputs import MAX_SEED, all_words, check_seed, count_words, sorted_words
from speedprior.measure.statistics import get_statistic

FUZZ = settings(max_examples=300, deadline=None)
statistic_like = st.one_of(st.text(max_size=20), st.sampled_from(["q", "p", "quantile:", "q0.", "p1e9"]).flatmap(
    lambda prefix: st.text("0123456789.e-+", max_size=25).map(lambda tail: prefix + tail)))


@FUZZ
@given(statistic_like)
def test_statistic_names_raise_only_unknown_name_errors(name):
    try:
        statistic = get_statistic(name)
    except SpeedpriorError:
        return
    value = statistic(np.array([3.0, 1.0, 2.0]))
    assert 1.0 <= value <= 3.0


@FUZZ
@given(st.lists(st.tuples(st.integers(-5, 10**6), st.floats(allow_nan=True, allow_infinity=True)), max_size=12))
def test_growth_fits_raise_only_speedprior_errors(points):
    try:
        fit = fit_growth([n for n, _ in points], [v for _, v in points])
    except SpeedpriorError:
        return
    assert fit.to_dict()["class"]


@FUZZ
@given(st.integers(1, 256), st.integers(0, 10**15), st.sampled_from(["all", "sorted"]),
       st.one_of(st.none(), st.integers(1, 10**6)))
def test_word_counts_are_exact_when_small_and_never_slow(alphabet, length, family, sample):
    count = count_words(alphabet, length, family, sample)
    assert 1 <= count <= 2**64
    if family == "sorted" and count < 50 and length < 12:
        assert count == len(sorted_words(alphabet, length))
    if family == "all" and sample is None and alphabet**min(length, 30) < 50 and length < 30:
        assert count == alphabet**length == len(all_words(alphabet, length))


@pytest.mark.parametrize("seed", [-1, -100, MAX_SEED + 1, 10**20, 1.5, "7", True, math.nan])
def test_bad_seeds_are_refused(seed):
    with pytest.raises(SpeedpriorError, match="seed must be an integer in 0..2\\^63-1"):
        check_seed(seed)


def test_good_seeds_pass():
    assert check_seed(0) == 0 and check_seed(MAX_SEED) == MAX_SEED and check_seed(np.int64(5)) == 5
