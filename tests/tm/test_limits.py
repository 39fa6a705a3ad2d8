"""Documented limits of the tm layer: refused up front (or, for tapes, as soon as they are hit)."""

import pytest

from speedprior.errors import BudgetError
from speedprior.tm import get_machine, parse_standard, run, run_batch, steps_profile
from speedprior.tm.run import MAX_LENGTHS, estimate_inputs
from speedprior.tm.stats import parse_lengths

RIGHT_FOREVER = parse_standard("1RA1RA")  # writes a 1 and moves right, for ever


def test_a_tape_past_its_limit_stops_the_run_with_a_budget_error():
    with pytest.raises(BudgetError, match=r"outgrew the limit of 1 MiB after 524,288 steps.*--max-tape-mb"):
        run(RIGHT_FOREVER, budget=10**9, max_tape_bytes=1 << 20)
    assert run(RIGHT_FOREVER, budget=100_000, max_tape_bytes=1 << 20).ones == 100_000


def test_the_tape_limit_holds_for_k_tape_machines_and_batches():
    from speedprior.tm import parse_spec

    two = parse_spec('tapes = 2\ntransitions = ["a ** -> a 11 RR"]')
    with pytest.raises(BudgetError, match="outgrew"):
        run(two, budget=10**9, max_tape_bytes=1 << 20)
    with pytest.raises(BudgetError, match="outgrew"):
        run_batch(RIGHT_FOREVER, ["", "1"], budget=10**9, max_tape_bytes=1 << 20)


def test_inputs_are_counted_before_any_is_built():
    assert estimate_inputs(2, range(0, 11)) == (2047, sum(2**n * (2 * n + 96) for n in range(11)))
    assert estimate_inputs(2, [10**12], sample=5)[0] == 5
    assert estimate_inputs(3, [4], family="sorted")[0] == 15


@pytest.mark.parametrize("kwargs, message", [
    (dict(lengths=range(0, 27), budget=100), "134,217,727 inputs over lengths 0..26 .* over the limit of 1,024 MiB"),
    (dict(lengths=[10**12]), "over the limit of 1,024 MiB"),
    (dict(lengths=range(0, 19), budget=10**7), "524,287 inputs x budget 10,000,000"),
    (dict(lengths=range(0, 10**12)), "over the limit of 10,000"),
    (dict(lengths=[3], sample=0), "sample must lie in 1.."),
    (dict(lengths=[3], sample=2, seed=-1), "seed must be an integer in 0..2\\^63-1"),
    (dict(lengths=[3], family="odd"), "unknown input family"),
    (dict(lengths=range(0, 12), max_bytes=1000), "over the limit of 1,000 bytes"),
])
def test_measurements_over_a_limit_are_refused_before_running(kwargs, message):
    with pytest.raises(BudgetError, match=message):
        steps_profile(get_machine("bb2"), **kwargs)


def test_the_largest_seed_and_sampling_of_long_words_work():
    batch = steps_profile(get_machine("bb2"), [40, 41], sample=3, seed=2**63 - 1)
    assert batch.lengths.tolist() == [40, 40, 40, 41, 41, 41]


@pytest.mark.parametrize("text", ["0:10000000000", "5:3", "1:2:0", "-1:3", "1" * 40, "a:b", "1:2:3:4"])
def test_bad_or_huge_length_ranges_are_refused(text):
    with pytest.raises(BudgetError):
        parse_lengths(text)
    assert len(parse_lengths(f"0:{MAX_LENGTHS - 1}")) == MAX_LENGTHS
