"""The compiled kernels agree with the naive simulator; busy beavers give their record values."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedprior.errors import BudgetError
from speedprior.tm import TuringMachine, get_machine, parse_standard, run, run_batch
from speedprior.tm.library import BUSY_BEAVERS
from tests.naive import simulate, verdict


@st.composite
def machines(draw, max_states=4, max_symbols=3, max_tapes=2):
    q = draw(st.integers(1, max_states))
    m = draw(st.integers(2, max_symbols))
    k = draw(st.integers(1, max_tapes))
    reads = m**k
    next_state = draw(st.lists(st.integers(-4, q - 1), min_size=q * reads, max_size=q * reads))
    write = draw(st.lists(st.integers(0, m - 1), min_size=q * reads * k, max_size=q * reads * k))
    move = draw(st.lists(st.integers(-1, 1), min_size=q * reads * k, max_size=q * reads * k))
    undefined = draw(st.sampled_from(["halt", "reject"]))
    return TuringMachine(
        np.array(next_state).reshape(q, reads), np.array(write).reshape(q, reads, k),
        np.array(move).reshape(q, reads, k), symbols=tuple(str(i) for i in range(m)), undefined=undefined,
    )


@settings(max_examples=150, deadline=None)
@given(machine=machines(), data=st.data(), budget=st.integers(0, 300))
def test_batch_kernel_matches_naive_simulator(machine, data, budget):
    words = data.draw(st.lists(st.text(alphabet="".join(machine.symbols), max_size=8), min_size=1, max_size=5))
    batch = run_batch(machine, words, budget)
    for j, word in enumerate(words):
        steps, stop, tape = simulate(machine, machine.encode_input(word), budget)
        assert batch.steps[j] == steps
        assert batch.halted[j] == (stop is not None)
        expected = verdict(stop)
        assert batch.accepted[j] == (-1 if expected is None else int(expected))
        assert batch.ones[j] == len(tape)


@settings(max_examples=100, deadline=None)
@given(machine=machines(max_tapes=1), data=st.data(), budget=st.integers(0, 300))
def test_single_run_returns_the_final_tape(machine, data, budget):
    word = data.draw(st.text(alphabet="".join(machine.symbols), max_size=8))
    result = run(machine, word, budget, decide=False)
    steps, stop, tape = simulate(machine, machine.encode_input(word), budget)
    assert (result.steps, result.halted) == (steps, stop is not None)
    cells = {i: machine.symbols.index(ch) for i, ch in enumerate(result.tape) if ch != machine.symbols[0]}
    # The printed tape starts at the leftmost visited cell; shift the naive tape the same way.
    if tape:
        offset = min(cells) - min(tape)
        assert cells == {p + offset: s for p, s in tape.items()}
    else:
        assert cells == {}


@pytest.mark.parametrize("name", sorted(BUSY_BEAVERS))
def test_busy_beaver_champions(name):
    _, steps, ones = BUSY_BEAVERS[name]
    result = run(get_machine(name))
    assert result.halted and result.accepted is None
    assert (result.steps, result.ones) == (steps, ones)


def test_bb5_record_values():
    # The 5-state champion: S(5) = 47,176,870 steps, Sigma(5) = 4,098 ones.
    result = run(get_machine("bb5"))
    assert (result.steps, result.ones) == (47_176_870, 4_098)


def test_budget_stops_a_machine_that_never_halts():
    forever = parse_standard("1RA1RA")
    result = run(forever, budget=1000, decide=False)
    assert not result.halted and result.steps == 1000 and result.state == "A" and result.verdict == "budget"
    assert run(forever, budget=0).steps == 0


def test_tape_grows_both_ways():
    left = run(parse_standard("1LA1LA"), budget=5000, decide=False)
    assert left.ones == 5000 and not left.halted
    right = run(parse_standard("1RA1RA"), budget=5000, decide=False)
    assert right.ones == 5000


def test_undefined_transition_counts_as_the_halting_step():
    machine = parse_standard("1RB---_1LA---")
    result = run(machine)
    assert result.halted and result.steps == 3 and result.ones == 2


def test_bad_budget_is_rejected():
    from speedprior.errors import BudgetError

    with pytest.raises(BudgetError):
        run(get_machine("bb2"), budget=-1)


@pytest.mark.parametrize("input_symbols", ["12", "13", "31"])  # codes in a row (a vector add), or not
def test_batch_of_index_arrays_matches_the_batch_of_strings(input_symbols):
    rng = np.random.default_rng(7)
    q, m = 3, 4
    machine = TuringMachine(rng.integers(-1, q, (q, m)), rng.integers(0, m, (q, m, 1)), rng.choice([-1, 1], (q, m, 1)),
                            symbols=("0", "1", "2", "3"), input_symbols=tuple(input_symbols))
    indices = rng.integers(0, 2, (50, 6))
    strings = ["".join(input_symbols[i] for i in row) for row in indices]
    by_array, by_string = run_batch(machine, indices, 200), run_batch(machine, strings, 200)
    assert list(by_array.steps) == list(by_string.steps) and list(by_array.ones) == list(by_string.ones)
    with pytest.raises(BudgetError, match="outside the input alphabet"):
        run_batch(machine, indices - 1, 200)
