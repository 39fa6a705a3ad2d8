"""Circuit input is refused clearly, sizes are bounded before work, synthesis is budgeted, --out is safe.

Includes hypothesis fuzzing of the three parsers: random and mutated text raises nothing but
SpeedpriorError, and parse(format(c)) reproduces c.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speedprior.circuits import evaluate as evaluate_module
from speedprior.circuits.builder import CircuitBuilder
from speedprior.circuits.circuit import AND, NOT, OR, Circuit, Gate
from speedprior.circuits.evaluate import evaluate
from speedprior.circuits.formats import (
    count_elements,
    parse_aag,
    parse_bench,
    parse_text,
    read_circuit,
    to_aag,
    to_bench,
    to_text,
)
from speedprior.circuits.synthesis import Budget, synthesize
from speedprior.circuits.tableau import check_tableau, tableau_circuit, tableau_gate_bound
from speedprior.errors import BudgetError, ParseError, SpeedpriorError
from speedprior.tm import get_machine, parse_standard
from tests.circuits import naive
from tests.circuits.test_evaluate import random_circuit

PARSERS = {"circ": parse_text, "aag": parse_aag, "bench": parse_bench}
FORMATTERS = {"circ": to_text, "aag": to_aag, "bench": to_bench}


# -- AIGER and text checks -----------------------------------------------------------------------
@pytest.mark.parametrize("text, message", [
    ("aag 3 2 0 1 1\n2\n4\n6\n7 2 4\n", "line 5: an AND gate's left-hand literal must be even"),
    ("aag 3 2 0 1 1\n2\n4\n6\n6 2 9\n", "line 5: literal 9 is out of range"),
    ("aag 3 2 0 1 1\n2\n4\n6\n6 2 8\n", "line 5: literal 8 is out of range"),
    ("aag 4 2 0 1 1\n2\n4\n6\n6 2 8\n", "line 5: literal 8 reads variable 4, which no input or AND"),
    ("aag 3 2 0 1 1\n2\n4\n9\n6 2 4\n", "line 4: literal 9 is out of range"),
    ("aag 4 2 0 1 1\n2\n4\n8\n6 2 4\n", "line 4: output literal 8 reads variable 4"),
    ("aag 4 2 0 1 2\n2\n4\n8\n6 8 2\n8 6 4\n", r"line \d: cyclic circuit"),
    ("aag 4 2 0 1 2\n2\n4\n6\n6 2 4\n6 4 2\n", "line 6: variable 3 is already defined on line 5"),
    ("aag 2 2 0 1 0\n2\n2\n4\n", "line 3: variable 1 is already defined on line 2"),
    ("aag 1 2 0 1 0\n2\n4\n4\n", "line 1: M = 1 is less than"),
    ("aag 3 2 1 1 0\n", "latches are not supported"),
    ("aag 3 ２ 0 1 0\n", "line 1: expected an 'aag M I L O A' header"),
    ("aag 1 1 0 1 0\n2\n2\nx0 a\n", "line 4: expected a symbol"),
    ("aag 3 2 0 1 1\n2\n4\n6\n6 2\n", "line 5: expected 3 unsigned integer"),
])
def test_malformed_aiger_is_refused_naming_the_line(text, message):
    with pytest.raises(ParseError, match=message):
        parse_aag(text, source="f.aag")


@pytest.mark.parametrize("text, message", [
    ("inputs a\ninputs b\noutputs a\n", "line 2: a second 'inputs' line"),
    ("inputs a b\ng = AND(a, h)\noutputs g\n", "line 2 reads undefined signal 'h'"),
    ("inputs a\ng = AND(a, h)\nh = OR(g, a)\noutputs h\n", "cyclic circuit"),
    ("inputs a\ng = AND(a, g)\noutputs g\n", "line 2: cyclic circuit"),
    ("inputs a 2b\noutputs a\n", "line 1: bad input name '2b'"),
])
def test_malformed_text_is_refused(text, message):
    with pytest.raises(ParseError, match=message):
        parse_text(text)


def test_a_deep_chain_parses_without_recursion():
    lines = ["inputs a b"] + [f"g{i} = AND({'a' if i == 0 else f'g{i - 1}'}, !b)" for i in range(30_000)]
    circuit = parse_text("\n".join(reversed(lines[1:])) + "\n" + lines[0] + "\noutputs g29999\n")
    assert (circuit.size, circuit.depth) == (30_000, 30_000)


# -- files and size limits -------------------------------------------------------------------------
def test_circuit_files_go_through_the_front_door(tmp_path):
    path = tmp_path / "c.aag"
    path.write_bytes(b"aag 1 1 0 1 0\n2\n\xff\n")
    with pytest.raises(ParseError, match=r"circuit file .*c.aag is not UTF-8"):
        read_circuit(path)
    with pytest.raises(ParseError, match="circuit file not found"):
        read_circuit(tmp_path / "missing.circ")


def test_size_limit_is_counted_before_building(tmp_path):
    text = "inputs a b\n" + "".join(f"g{i} = AND(a, b)\n" for i in range(50)) + "outputs g0 g1\n"
    assert count_elements(text, ".circ") == 2 + 50 + 2
    assert count_elements("INPUT(a)\nINPUT(b)\nOUTPUT(g)\ng = AND(a, b, a, b)\n", ".bench") == 3 + 3
    assert count_elements("aag 5 2 0 1 3\n", ".aag") == 6
    path = tmp_path / "c.circ"
    path.write_text(text)
    assert read_circuit(path, max_elements=54).size == 50
    with pytest.raises(BudgetError, match="holds 54 inputs, outputs and gates; the limit is 53 .*--max-gates"):
        read_circuit(path, max_elements=53)
    huge = tmp_path / "huge.aag"  # a header that promises a billion gates is refused from the header
    huge.write_text("aag 1000000000 1 0 1 999999999\n2\n2\n")
    with pytest.raises(BudgetError, match="1,000,000,001 inputs"):
        read_circuit(huge)


def test_evaluate_in_chunks_matches_the_naive_twin(monkeypatch):
    circuit = random_circuit(np.random.default_rng(5), 5, 30, "full")
    rows = np.random.default_rng(6).integers(0, 2, size=(1000, 5)).astype(np.uint8)
    whole = evaluate(circuit, rows)
    monkeypatch.setattr(evaluate_module, "MAX_SIMULATION_BYTES", circuit.n_nodes * 8 * 2)  # 128 rows a chunk
    assert np.array_equal(evaluate(circuit, rows), whole)
    for row, out in zip(rows[:50], whole[:50], strict=True):
        assert out.tolist() == naive.eval_one(circuit, row.tolist())
    monkeypatch.setattr(evaluate_module, "MAX_SIMULATION_BYTES", 8)
    with pytest.raises(BudgetError):
        evaluate(circuit, rows)


# -- tableau bound -------------------------------------------------------------------------------------
def test_tableau_gate_bound_holds_for_random_machines(monkeypatch):
    built = []
    original = CircuitBuilder.build

    def counting_build(self, outputs, output_names=None):
        built.append(len(self.gates))
        return original(self, outputs, output_names)

    monkeypatch.setattr(CircuitBuilder, "build", counting_build)
    rng = np.random.default_rng(7)
    for _ in range(8):
        cells = [f"{int(rng.integers(0, 2))}{'LR'[int(rng.integers(0, 2))]}{'ABCZ'[int(rng.integers(0, 3))]}"
                 for _ in range(6)]  # mostly non-halting: the head wanders the whole window
        machine = parse_standard("_".join("".join(cells[2 * q: 2 * q + 2]) for q in range(3)))
        for n, t in [(3, 6), (6, 12)]:
            tableau_circuit(machine, n, t)
            assert 0 < built[-1] <= tableau_gate_bound(n, t, machine.n_states, machine.n_symbols)


def test_tableau_refuses_before_building():
    machine = get_machine("bb2")
    with pytest.raises(BudgetError, match=r"may need up to .* gates; the limit is 1,000 \(raise it with --max-gates\)"):
        tableau_circuit(machine, 4, 10, max_gates=1_000)
    with pytest.raises(BudgetError, match="input length"):
        tableau_circuit(machine, 10**9, 1)
    with pytest.raises(BudgetError, match="--no-check"):
        check_tableau(tableau_circuit(machine, 26, 1), machine)


# -- synthesis budget -------------------------------------------------------------------------------
def test_synthesis_stops_at_its_budget_and_says_what_it_proved():
    heard = []
    with pytest.raises(BudgetError, match=r"ran out of its budget of 3,000 conflicts while trying \d+ gates; "
                                          r"no circuit of \d+ gates exists; raise the budget"):
        synthesize(0x6996, 4, "aig", budget=Budget(seconds=None, conflicts=3_000), progress=heard.append)
    assert any(text.startswith("trying 3 gates") for text in heard)


def test_a_budget_that_suffices_changes_nothing():
    loose = synthesize(0xE8, 3, "aig", budget=Budget(seconds=None, conflicts=10**7))
    default = synthesize(0xE8, 3, "aig")
    assert (loose.size, loose.minimal_count) == (default.size, default.minimal_count) == (4, loose.minimal_count)


@pytest.mark.parametrize("kwargs", [{"seconds": 0}, {"seconds": float("nan")}, {"seconds": float("inf")},
                                    {"conflicts": 0}])
def test_budgets_are_range_checked(kwargs):
    with pytest.raises(BudgetError):
        Budget(**kwargs)


# -- CLI: --out, --force, ranges ------------------------------------------------------------------
MAJ = "inputs a b c\nab = AND(a, b)\no = OR(a, b)\nt = AND(c, o)\nm = OR(ab, t)\noutputs m\n"


def test_out_refuses_to_overwrite_without_force(cli, tmp_path):
    source = tmp_path / "maj.circ"
    source.write_text(MAJ)
    out = tmp_path / "maj.aag"
    out.write_text("precious")
    code, _, err = cli("circuit", "convert", str(source), "--to", "aag", "--out", str(out))
    assert code == 2 and "already exists; pass --force" in err and out.read_text() == "precious"
    code, _, _ = cli("circuit", "convert", str(source), "--to", "aag", "--out", str(out), "--force")
    assert code == 0 and out.read_text().startswith("aag 7 3 0 1 4")
    dot = tmp_path / "maj.dot"
    dot.write_text("precious")
    code, _, err = cli("circuit", "draw", str(source), "--out", str(dot))
    assert code == 2 and "--force" in err and dot.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["maj.aag", "maj.circ", "maj.dot"]  # no temp files


def test_a_failed_write_leaves_nothing(cli, tmp_path):
    source = tmp_path / "xor.circ"
    source.write_text("inputs a b\ng = XOR(a, b)\noutputs g\n")
    code, _, err = cli("circuit", "convert", str(source), "--to", "aag", "--out", str(tmp_path / "x.aag"))
    assert code == 2 and "XOR" in err
    big = tmp_path / "big.circ"
    big.write_text("inputs a b\n" + "".join(f"g{i} = AND(a, b)\n" for i in range(500)) + "outputs g0\n")
    code, _, err = cli("circuit", "draw", str(big), "--out", str(tmp_path / "big.png"))
    assert code == 2 and "too many to draw" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.circ", "xor.circ"]


@pytest.mark.parametrize("args, message", [
    (["min", "--truth-table", "6", "--inputs", "2", "--seconds", "0"], "--seconds must be a positive"),
    (["min", "--truth-table", "6", "--inputs", "2", "--seconds", "nan"], "--seconds must be a positive"),
    (["min", "--truth-table", "6", "--inputs", "2", "--conflicts", "0"], "--conflicts must be at least 1"),
    (["min", "--truth-table", "6", "--inputs", "2", "--limit", "0"], "--limit must be at least 1"),
    (["min", "--truth-table", "6", "--inputs", "-1"], "0..4 inputs"),
    (["tableau", "--machine", "bb2", "--n", "-1"], "--n must be in"),
    (["tableau", "--machine", "bb2", "--n", "3", "--t", "-2"], "--t must be >= 0"),
    (["tableau", "--machine", "bb2", "--n", "3", "--t", "2", "--max-gates", "0"], "--max-gates must be"),
    (["tableau", "--machine", "bb2", "--n", "26", "--t", "1"], "pass --no-check"),
    (["tableau", "--machine", "bb2", "--n", "17", "--no-check"], "so give --t"),
    (["tableau", "--machine", "1RA1LA", "--n", "3"], "runs more than 499 steps on some input of length 3"),
])
def test_numeric_options_are_range_checked(cli, args, message):
    code, _, err = cli("circuit", *args)
    assert code == 2 and message in err


# -- fuzzing -------------------------------------------------------------------------------------------
def _parse_or_refuse(fmt: str, text: str):
    try:
        return PARSERS[fmt](text, source="fuzz")
    except SpeedpriorError:
        return None


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(PARSERS)), st.text(max_size=300))
def test_random_text_raises_only_speedprior_errors(fmt, text):
    _parse_or_refuse(fmt, text)


_ALPHABET = "aag 0123456789\n\n!~()=,#ANDORXTUPIgxyc"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(PARSERS)), st.integers(0, 2**32 - 1),
       st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(["delete", "insert", "replace", "swap"]),
                          st.sampled_from(_ALPHABET)), min_size=1, max_size=4))
def test_mutated_files_raise_only_speedprior_errors(fmt, seed, mutations):
    basis = "aig" if fmt == "aag" else "and-or-not" if fmt == "bench" else "full"
    rng = np.random.default_rng(seed)
    circuit = random_circuit(rng, int(rng.integers(1, 4)), int(rng.integers(1, 6)), "aig" if basis == "aig" else
                             "full")
    try:
        text = FORMATTERS[fmt](circuit)
    except SpeedpriorError:  # a gate that the format cannot express (e.g. a constant gate in BENCH)
        text = FORMATTERS[fmt](parse_text("inputs a b\ng = AND(a, b)\noutputs g\n"))
    chars = list(text)
    for position, kind, char in mutations:
        if not chars:
            break
        k = position % len(chars)
        if kind == "delete":
            del chars[k]
        elif kind == "insert":
            chars.insert(k, char)
        elif kind == "replace":
            chars[k] = char
        else:
            lines = "".join(chars).split("\n")
            i, j = k % len(lines), (k // 7) % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
            chars = list("\n".join(lines))
    _parse_or_refuse(fmt, "".join(chars))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["full", "aig", "xaig", "and-or-not"]))
def test_text_round_trip_is_exact(seed, basis):
    rng = np.random.default_rng(seed)
    n, g = int(rng.integers(0, 5)), int(rng.integers(0, 10))
    source = _and_or_not_circuit(rng, n, g) if basis == "and-or-not" else random_circuit(rng, n, g, basis)
    assert parse_text(to_text(source)) == source


def _and_or_not_circuit(rng: np.random.Generator, n: int, g: int) -> Circuit:
    gates = []
    for i in range(g):
        nodes = 1 + n + i
        if rng.random() < 0.3:
            gates.append(Gate(NOT, (2 * int(rng.integers(0, nodes)),)))
        else:
            gates.append(Gate(int(rng.choice([AND, OR])), tuple(2 * int(rng.integers(0, nodes)) for _ in range(2))))
    return Circuit(n, tuple(gates), (2 * int(rng.integers(0, 1 + n + g)),), "and-or-not")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["aag", "bench"]))
def test_aiger_and_bench_round_trips(seed, fmt):
    rng = np.random.default_rng(seed)
    source = random_circuit(rng, int(rng.integers(1, 5)), int(rng.integers(0, 10)), "aig")
    try:
        once = PARSERS[fmt](FORMATTERS[fmt](source))
    except ParseError as error:  # BENCH has no constants
        assert fmt == "bench" and "constant" in str(error)
        return
    assert once.truth_tables() == source.truth_tables()
    assert PARSERS[fmt](FORMATTERS[fmt](once)) == once  # a fixed point from the first round on
    if fmt == "aag":
        assert once.size == source.size


def test_markup_in_a_file_name_is_printed_as_text(cli, tmp_path):
    path = tmp_path / "[bold]x[red].circ"
    path.write_text("inputs a\noutputs a\n")
    code, out, _ = cli("circuit", "info", str(path))
    assert code == 0 and "[bold]x[red].circ" in "".join(out.split())  # escaped, so shown as typed
