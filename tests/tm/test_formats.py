"""Standard TM Text Format and the TOML machine format: round trips and errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from speedprior.errors import ParseError, UnknownNameError
from speedprior.tm import LIBRARY, get_machine, load_machine, parse_spec, parse_standard, to_spec, to_standard


@st.composite
def standard_strings(draw):
    q = draw(st.integers(1, 6))
    m = draw(st.integers(2, 4))
    letters = [chr(65 + i) for i in range(q)] + ["Z"]
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


def test_h_is_read_as_the_halt_state():
    assert to_standard(parse_standard("1RB1LB_1LA1RH")) == "1RB1LB_1LA1RZ"


@pytest.mark.parametrize("bad", ["", "1RB", "1RB1LB_1LA", "1XB1LB", "1RC1LB_1LA1RZ", "2RB1LB_1LA1RZ", "1RB1LB__1LA1RZ"])
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
