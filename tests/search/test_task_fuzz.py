"""Fuzzing the task TOML parser and the language regex engine: only SpeedpriorErrors, never a crash or a hang."""

import itertools
import re
import tomllib
import warnings

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speedprior.errors import SpeedpriorError
from speedprior.search.regex import Regex
from speedprior.search.task import task_from_dict

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                    st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(["input", "accept", "output", "weight", "regex", "lengths", "weights", "x"]), inner, max_size=4),
    max_leaves=12)
regexes = st.text(alphabet="01()|*+?{},[]^.\\-:a", max_size=14)
lengths = st.lists(st.integers(-3, 10**12), min_size=0, max_size=3)
language = st.fixed_dictionaries({"regex": regexes}, optional={"lengths": lengths | values,
                                                               "weights": st.sampled_from(["uniform", "length", "x"])})
example = st.fixed_dictionaries({"input": st.text(alphabet="01_2", max_size=4)}, optional={
    "accept": st.booleans() | values, "output": st.text(alphabet="01_", max_size=3),
    "weight": st.floats(allow_nan=True) | st.integers(-5, 5)})
tasks = st.fixed_dictionaries({}, optional={
    "name": st.text(max_size=8), "symbols": st.text(alphabet="01_ab", max_size=4) | values,
    "input": st.text(alphabet="01_ab", max_size=3) | values, "states": st.integers(-2, 9) | values,
    "budget": st.integers(-5, 1 << 30) | values, "language": language | values,
    "examples": st.lists(example | values, max_size=4) | values, "extra": values})


@SETTINGS
@given(tasks)
@hypothesis.example({"symbols": "", "language": {"regex": "", "weights": "length"}})  # no input symbols: 1 / 0**n
@hypothesis.example({"input": "", "language": {"regex": "", "weights": "length"}})
def test_task_dicts_give_a_task_or_a_speedprior_error(data):
    try:
        task = task_from_dict(data, "fuzz.toml")
    except SpeedpriorError:
        return
    assert task.examples and task.weights.sum() == pytest.approx(1.0)


@SETTINGS
@given(st.text(max_size=200))
def test_task_text_parses_or_fails_cleanly(text):
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    try:
        task_from_dict(data, "fuzz.toml")
    except SpeedpriorError:
        pass


@SETTINGS
@given(regexes)
@hypothesis.example("[\\0]")  # Python reads it as NUL, not "0"
def test_the_regex_engine_agrees_with_python_or_refuses(pattern):
    try:
        mine = Regex(pattern)
    except SpeedpriorError:
        return
    try:
        with warnings.catch_warnings():  # Python warns of syntax it may read differently one day ("[[")
            warnings.simplefilter("ignore", FutureWarning)
            theirs = re.compile(pattern)
    except re.error:
        return  # we accept a few patterns Python refuses (an empty class "[]]"): the language is still well defined
    for n in range(5):
        for letters in itertools.product("01", repeat=n):
            word = "".join(letters)
            assert mine.fullmatch(word) == (theirs.fullmatch(word) is not None), (pattern, word)


def test_catastrophic_backtracking_patterns_match_in_linear_time():
    assert not Regex("(1|1)*0").fullmatch("1" * 5000)
    assert Regex("(1|1)*0").fullmatch("1" * 5000 + "0")
    assert not Regex("(1*)*2").fullmatch("1" * 5000)
    with pytest.raises(SpeedpriorError, match="cannot follow a repetition"):
        Regex("1*+")


def test_huge_lengths_are_refused_before_any_word_is_built():
    with pytest.raises(SpeedpriorError, match="giving at most 100,000 words"):
        task_from_dict({"language": {"regex": "1*", "lengths": [10**12, 10**12]}})
    with pytest.raises(SpeedpriorError, match="giving at most 100,000 words"):
        task_from_dict({"language": {"regex": "1*", "lengths": [0, 10**12]}})
