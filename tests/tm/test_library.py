"""Each 0^k 1^k decider decides its language on every input up to length 12, at its stated speed."""

import itertools
import re

import numpy as np
import pytest

from speedprior.measure import all_words
from speedprior.tm import get_machine, run, run_batch
from speedprior.tm.library import DECIDERS
from speedprior.tm.stats import step_statistics

LANGUAGE = re.compile(r"^(0*)(1*)$")


def in_language(word: str) -> bool:
    match = LANGUAGE.match(word)
    return bool(match) and len(match.group(1)) == len(match.group(2))


@pytest.mark.parametrize("name", DECIDERS)
def test_decider_agrees_with_its_language_up_to_length_12(name):
    machine = get_machine(name)
    for n in range(13):
        words = ["".join(w) for w in itertools.product("01", repeat=n)]
        batch = run_batch(machine, words, budget=10_000)
        assert batch.halted.all()
        expected = np.array([in_language(w) for w in words], dtype=np.int8)
        np.testing.assert_array_equal(batch.accepted, expected)


def test_array_inputs_match_string_inputs():
    machine = get_machine("sipser-0n1n-halving")
    words = all_words(2, 6)
    strings = ["".join("01"[s] for s in row) for row in words]
    np.testing.assert_array_equal(run_batch(machine, words).steps, run_batch(machine, strings).steps)


@pytest.mark.parametrize("name, steps", [
    # Exact step counts on 0^k 1^k for k = 0..4, cross-checked by the naive simulator in test_kernel.
    ("sipser-0n1n-zigzag", [3, 13, 29, 51, 79]),
    ("sipser-0n1n-halving", [3, 15, 35, 49, 81]),
    ("sipser-0n1n-2tape", [2, 4, 6, 8, 10]),
])
def test_exact_steps_on_members(name, steps):
    machine = get_machine(name)
    assert [run(machine, "0" * k + "1" * k).steps for k in range(5)] == steps


def test_zigzag_worst_case_is_quadratic_exactly():
    # On 0^k 1^k (n = 2k) the zig-zag decider takes 3k^2 + 7k + 3 steps.
    machine = get_machine("sipser-0n1n-zigzag")
    for k in (5, 10, 20):
        assert run(machine, "0" * k + "1" * k).steps == 3 * k * k + 7 * k + 3


@pytest.mark.parametrize("name, worst", [
    ("sipser-0n1n-zigzag", "n^2"), ("sipser-0n1n-halving", "n log n"), ("sipser-0n1n-2tape", "n"),
])
def test_worst_case_growth_classes(name, worst):
    report = step_statistics(get_machine(name), range(2, 129, 2), family="sorted")
    assert report["fit"]["max"]["class"] == worst


def test_mean_over_all_words_stays_bounded():
    # Most random words contain "10" early and are rejected by the first scan.
    report = step_statistics(get_machine("sipser-0n1n-zigzag"), range(0, 15))
    assert report["fit"]["mean"]["class"] == "1"
    assert report["lengths"][-1]["inputs"] == 2**14


def test_impossible_length_ranges_fail_before_running_anything():
    from speedprior.errors import BudgetError
    from speedprior.tm import steps_profile

    with pytest.raises(BudgetError, match="over the limit of 1,024 MiB"):
        steps_profile(get_machine("bb2"), range(0, 41))
