"""Standard TM Text Format and the TOML machine format: round trips and errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from speedprior.errors import ParseError, UnknownNameError
from speedprior.tm import (
    HALT,
    LIBRARY,
    UNDEFINED,
    TuringMachine,
    get_machine,
    load_machine,
    parse_spec,
    parse_standard,
    run,
    to_spec,
    to_standard,
)


@st.composite
def standard_strings(draw):
    q = draw(st.integers(1, 26))
    m = draw(st.integers(2, 10))
    letters = [chr(65 + i) for i in range(q)] + (["Z"] if q < 26 else [])
    transition = st.one_of(
        st.just("---"),
        st.tuples(st.integers(0, m - 1), st.sampled_from("LR"), st.sampled_from(letters)).map(
            lambda t: f"{t[0]}{t[1]}{t[2]}"
        ),
    )
    groups = [draw(st.lists(transition, min_size=m, max_size=m)) for _ in range(q)]
    return "_".join("".join(g) for g in groups)


@given(standard_strings())
def test_standard_round_trip(text):
    assert to_standard(parse_standard(text)) == text


@st.composite
def standard_machines(draw):
    """Random 1-tape machines of 1..26 states: tables with halting and undefined transitions."""
    q = draw(st.integers(1, 26))
    m = draw(st.integers(2, 10))
    targets = list(range(q)) + [UNDEFINED] + ([HALT] if q < 26 else [])
    next_state = np.array(draw(st.lists(st.sampled_from(targets), min_size=q * m, max_size=q * m)))
    write = np.array(draw(st.lists(st.integers(0, m - 1), min_size=q * m, max_size=q * m)))
    move = np.array(draw(st.lists(st.sampled_from([-1, 1]), min_size=q * m, max_size=q * m)))
    defined = next_state != UNDEFINED
    return TuringMachine(next_state.reshape(q, m), (write * defined).reshape(q, m, 1),
                         (move * defined).reshape(q, m, 1), symbols=tuple(str(i) for i in range(m)))


@given(standard_machines())
def test_machines_of_up_to_26_states_survive_printing_and_parsing(machine):
    again = parse_standard(to_standard(machine))
    np.testing.assert_array_equal(again.next_state, machine.next_state)
    np.testing.assert_array_equal(again.write, machine.write)
    np.testing.assert_array_equal(again.move, machine.move)


def test_h_is_halt_below_8_states_and_the_8th_state_from_8_on():
    assert to_standard(parse_standard("1RB1LB_1LA1RH")) == "1RB1LB_1LA1RZ"
    eight = "_".join(f"1R{chr(66 + i)}0LA" for i in range(7)) + "_1RH1RZ"  # state H loops on 0
    machine = parse_standard(eight)
    assert machine.n_states == 8 and machine.next_state[7].tolist() == [7, HALT]
    assert to_standard(machine) == eight
    assert run(machine, budget=1000).steps == 1000  # A..G walk right into H, which never halts


def test_any_letter_past_the_last_state_halts_as_on_bbchallenge():
    assert parse_standard("1RC1LB_1LA1RZ").next_state[0, 0] == HALT


def test_a_26_state_machine_that_halts_has_no_standard_form():
    groups = ["1RB1LA"] * 25 + ["1RA1LA"]
    machine = parse_standard("_".join(groups))
    assert to_standard(machine) == "_".join(groups)
    tables = machine.next_state.copy()
    tables[25, 1] = HALT
    halting = TuringMachine(tables, machine.write, machine.move, symbols=("0", "1"))
    with pytest.raises(ParseError, match="no letter left for halt"):
        to_standard(halting)
    assert not halting.is_standard and "TuringMachine" in str(halting)
    with pytest.raises(ParseError, match="at most 26 states"):
        parse_standard("_".join(["1RA1LA"] * 27))


def test_a_long_standard_string_is_parsed_not_opened_as_a_file():
    text = "_".join([f"1R{chr(66 + i)}1LA2LA3RA" for i in range(25)] + ["1RA1LA2LA3RA"])
    assert len(text) > 255 and load_machine(text).n_states == 26


@pytest.mark.parametrize("bad", ["", "1RB", "1RB1LB_1LA", "1XB1LB", "2RB1LB_1LA1RZ", "1RB1LB__1LA1RZ"])
def test_malformed_standard_strings_raise(bad):
    with pytest.raises(ParseError):
        parse_standard(bad)


@pytest.mark.parametrize("name", LIBRARY)
def test_toml_round_trip_of_library_machines(name):
    machine = get_machine(name)
    again = parse_spec(to_spec(machine))
    np.testing.assert_array_equal(again.next_state, machine.next_state)
    np.testing.assert_array_equal(again.write, machine.write)
    np.testing.assert_array_equal(again.move, machine.move)
    assert (again.symbols, again.input_symbols, again.undefined) == (
        machine.symbols, machine.input_symbols, machine.undefined)


def test_wildcards_yield_to_specific_rules():
    machine = parse_spec('symbols = "_ab"\ntransitions = ["s * -> s * R", "s a -> accept a S"]')
    assert machine.next_state[0].tolist() == [0, -2, 0]
    assert machine.write[0, :, 0].tolist() == [0, 1, 2]  # '*' writes back what was read


@pytest.mark.parametrize("text, message", [
    ('transitions = ["s 0 -> t 0 X"]', "not L, R or S"),
    ('transitions = ["s 9 -> t 0 R"]', "not in symbols"),
    ('transitions = ["s 0 -> t 0 R", "s 0 -> u 1 L"]', "overlaps"),
    ('transitions = ["s 0 t 0 R"]', "STATE READ -> NEXT WRITE MOVES"),
    ('tapes = 2\ntransitions = ["s 0 -> t 0 R"]', "one entry per tape"),
    ('colour = "red"\ntransitions = ["s 0 -> t 0 R"]', "unknown keys"),
    ("transitions = [", "invalid TOML"),
    ("transitions = []", "at least one transition"),
])
def test_bad_toml_machines_raise_one_clear_error(text, message):
    with pytest.raises(ParseError, match=message):
        parse_spec(text)


def test_load_machine_resolves_names_files_and_standard_strings(tmp_path):
    assert load_machine("bb3").n_states == 3
    assert load_machine("1RB1LB_1LA1RZ").n_states == 2
    path = tmp_path / "m.toml"
    path.write_text(to_spec(get_machine("sipser-0n1n-2tape")))
    assert load_machine(str(path)).n_tapes == 2
    with pytest.raises(UnknownNameError):
        load_machine("no-such-machine")
    with pytest.raises(ParseError):
        load_machine(str(tmp_path / "missing.toml"))


def test_input_outside_the_alphabet_is_rejected():
    with pytest.raises(ParseError, match="not in the input alphabet"):
        get_machine("sipser-0n1n-zigzag").encode_input("01x")


@pytest.mark.parametrize("text, message", [
    ('tapes = "x"\ntransitions = ["s 0 -> t 0 R"]', "tapes must be an integer"),
    ("transitions = [1, 2]", "transitions must be a list"),
    ('transitions = "s 0 -> t 0 R"', "transitions must be a list"),
    ('symbols = 3\ntransitions = ["s 0 -> t 0 R"]', "symbols must be"),
])
def test_wrongly_typed_keys_raise_one_clear_error(text, message):
    with pytest.raises(ParseError, match=message):
        parse_spec(text)
