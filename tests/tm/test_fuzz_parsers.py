"""Fuzzing every tm parser: whatever the text, only a SpeedpriorError escapes, never a crash."""

import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speedprior.errors import SpeedpriorError
from speedprior.tm import load_machine, parse_spec, parse_standard, to_standard
from speedprior.tm.spec import from_dict
from speedprior.tm.stats import parse_lengths

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text near the Standard format: its own characters, with some noise.
standard_like = st.text(alphabet="0123456789LRSABCDEHZ_-xy[]/ ", max_size=80)


@FUZZ
@given(st.one_of(standard_like, st.text(max_size=40)))
def test_standard_parser_raises_only_parse_errors(text):
    try:
        machine = parse_standard(text)
    except SpeedpriorError:
        return
    assert parse_standard(to_standard(machine)).n_states == machine.n_states


@FUZZ
@given(st.one_of(standard_like, st.text(max_size=300), st.text(alphabet="ABZ01LR_", min_size=250, max_size=600)))
def test_machine_arguments_raise_only_speedprior_errors(text):
    try:
        load_machine(text)
    except SpeedpriorError:
        pass


symbols = st.one_of(st.text(max_size=12), st.lists(st.text(max_size=2), max_size=6))
rules = st.lists(st.one_of(
    st.builds(lambda q, r, t, w, mv: f"{q} {r} -> {t} {w} {mv}",
              st.sampled_from(["a", "b", "accept"]), st.text("_01*x", max_size=3), st.sampled_from(
                  ["a", "b", "halt", "reject", "accept"]), st.text("_01*x", max_size=3), st.text("LRSX", max_size=3)),
    st.text(max_size=30)), max_size=6)
values = st.one_of(st.integers(-10**20, 10**20), st.booleans(), st.floats(allow_nan=True), st.text(max_size=10),
                   st.lists(st.integers(-3, 300), max_size=3))
machine_dicts = st.fixed_dictionaries(
    {},
    optional={"tapes": st.one_of(st.integers(-3, 60), values), "symbols": st.one_of(symbols, values),
              "input": st.one_of(symbols, values), "start": st.one_of(st.sampled_from(["a", "b", "halt"]), values),
              "undefined": st.one_of(st.sampled_from(["halt", "reject", "loop"]), values),
              "transitions": st.one_of(rules, values), "name": values, "bogus": values})


@FUZZ
@given(machine_dicts)
def test_machine_toml_raises_only_parse_errors(data):
    try:
        machine = from_dict(data)
    except SpeedpriorError:
        return
    assert machine.n_states >= 1 and machine.n_tapes == data.get("tapes", 1)


@FUZZ
@given(st.text(max_size=200))
def test_machine_toml_text_raises_only_parse_errors(text):
    try:
        tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        pass
    try:
        parse_spec(text)
    except SpeedpriorError:
        pass


@FUZZ
@given(st.one_of(
    st.text(alphabet="0123456789:-+ e_", max_size=30),
    st.builds(lambda a, b, c: f"{a}:{b}:{c}", st.integers(-10**30, 10**30), st.integers(-10**30, 10**30),
              st.integers(-10**30, 10**30)),
    st.text(max_size=20),
))
def test_length_ranges_raise_only_budget_errors_and_stay_small(text):
    try:
        lengths = parse_lengths(text)
    except SpeedpriorError:
        return
    assert 1 <= len(lengths) <= 10_000 and lengths[0] >= 0


@pytest.mark.parametrize("tapes, symbols, message", [
    (40, "_01", "tapes must lie in 1..16"),
    (1, "".join(chr(0x100 + i) for i in range(300)), "2 to 256 symbols"),
    (12, "_01x", "over the limit of 256 MiB"),
    (1, "_0 1", "other than space"),
    (1, "_01", "input symbols must be distinct"),
])
def test_machine_sizes_are_refused_before_allocating(tapes, symbols, message):
    rule = f"a {'*' * tapes} -> a {'*' * tapes} {'R' * tapes}"
    data = {"tapes": tapes, "symbols": symbols, "transitions": [rule]}
    if message.startswith("input"):
        data["input"] = "00"
    with pytest.raises(SpeedpriorError, match=message):
        from_dict(data)


def test_the_table_limit_is_set_by_an_environment_variable(monkeypatch):
    two_tapes = {"tapes": 2, "transitions": ["a ** -> a ** RR"]}  # 9 cells x 32 bytes
    monkeypatch.setenv("SPEEDPRIOR_MAX_TABLE_MB", "0.0002")
    with pytest.raises(SpeedpriorError, match="288 bytes of tables, over the limit of 209 bytes .set "
                                              "SPEEDPRIOR_MAX_TABLE_MB"):
        from_dict(two_tapes)
    monkeypatch.setenv("SPEEDPRIOR_MAX_TABLE_MB", "0.001")
    assert from_dict(two_tapes).n_tapes == 2
    monkeypatch.setenv("SPEEDPRIOR_MAX_TABLE_MB", "lots")
    with pytest.raises(SpeedpriorError, match="positive number of MiB"):
        from_dict(two_tapes)


def test_deeply_nested_toml_is_a_parse_error():
    with pytest.raises(SpeedpriorError, match="nested too deeply"):
        parse_spec("x = " + "[" * 100_000 + "]" * 100_000)


def test_wildcard_expansion_matches_the_rule_semantics():
    machine = from_dict({"tapes": 2, "symbols": "_ab", "transitions": [
        "s ** -> s ** RL", "s a* -> t *b SS", "t ** -> accept ** SS", "s ab -> reject __ RR"]})
    m = 3
    for code in range(9):
        first, second = code % m, code // m
        target, written = machine.next_state[0, code], machine.write[0, code].tolist()
        if (first, second) == (1, 2):
            assert (target, written) == (-3, [0, 0])
        elif first == 1:
            assert (target, written) == (1, [1, 2])
        else:
            assert (target, written) == (0, [first, second])
