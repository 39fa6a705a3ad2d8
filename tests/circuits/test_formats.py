"""Text, AIGER ASCII, BENCH and DOT: round trips and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from speedprior.circuits.formats import (
    parse_aag,
    parse_bench,
    parse_text,
    read_circuit,
    to_aag,
    to_bench,
    to_dot,
    to_text,
    write_circuit,
)
from speedprior.errors import ParseError, UnknownNameError
from tests.circuits.test_evaluate import random_circuit

MAJ = """
# majority of three
inputs a b c
m = OR(ab, t)      # gates may come in any order
ab = AND(a, b)
t = AND(c, o)
o = OR(a, b)
outputs m
"""


def test_text_format_reads_gates_in_any_order():
    circuit = parse_text(MAJ)
    assert circuit.basis == "and-or-not" and circuit.input_names == ("a", "b", "c")
    assert (circuit.size, circuit.depth) == (4, 3)
    assert circuit.truth_tables() == [0xE8]


@pytest.mark.parametrize("basis", ["full", "aig", "xaig"])
def test_text_round_trip_on_random_circuits(basis):
    rng = np.random.default_rng(1)
    for _ in range(20):
        circuit = random_circuit(rng, 4, 12, basis)
        again = parse_text(to_text(circuit))
        assert again == circuit


def test_aag_round_trip_and_header():
    rng = np.random.default_rng(2)
    for _ in range(20):
        circuit = random_circuit(rng, 4, 10, "aig")
        again = parse_aag(to_aag(circuit))
        assert again.truth_tables() == circuit.truth_tables() and again.size == circuit.size
    aag = to_aag(parse_text(MAJ))  # and-or-not maps: OR becomes a complemented AND
    assert aag.splitlines()[0] == "aag 7 3 0 1 4"
    assert parse_aag(aag).truth_tables() == [0xE8]


def test_aag_reads_the_aiger_example_and_rejects_what_does_not_map():
    # the AND gate example from the AIGER format description
    circuit = parse_aag("aag 3 2 0 1 1\n2\n4\n6\n6 2 4\ni0 x\ni1 y\no0 o\n")
    assert circuit.input_names == ("x", "y") and circuit.output_names == ("o",)
    assert circuit.truth_tables() == [0b1000]
    with pytest.raises(ParseError, match="latches"):
        parse_aag("aag 1 0 1 0 0\n2 3\n")
    with pytest.raises(ParseError, match="cyclic"):
        parse_aag("aag 4 2 0 1 2\n2\n4\n6\n6 8 2\n8 6 4\n")
    with pytest.raises(ParseError, match="header"):
        parse_aag("aig 1 2 3")
    with pytest.raises(ParseError, match="XOR"):
        to_aag(parse_text("inputs a b\ng = XOR(a, b)\noutputs g\n"))


def test_bench_round_trip_and_wide_gates():
    bench = """
INPUT(a)
INPUT(b)
INPUT(c)
OUTPUT(y)
y = NAND(a, b, c)
"""
    circuit = parse_bench(bench)
    assert circuit.truth_tables() == [0x7F] and circuit.size == 2
    rng = np.random.default_rng(3)
    for basis in ("aig", "xaig", "and-or-not"):
        for _ in range(10):
            c = random_circuit(rng, 3, 8, basis if basis != "and-or-not" else "full")
            if basis == "and-or-not":
                c = parse_text(MAJ)
            if any(o < 2 for o in c.outputs) or any(lit < 2 for g in c.gates for lit in g.fanins):
                continue
            assert parse_bench(to_bench(c)).truth_tables() == c.truth_tables()
    with pytest.raises(ParseError, match="DFF"):
        parse_bench("INPUT(a)\nOUTPUT(q)\nq = DFF(a)\n")
    with pytest.raises(ParseError, match="cyclic"):
        parse_bench("INPUT(a)\nOUTPUT(x)\nx = AND(a, y)\ny = OR(x, a)\n")


def test_text_errors_are_clear():
    with pytest.raises(ParseError, match="cyclic"):
        parse_text("inputs a\ng = AND(a, h)\nh = AND(g, a)\noutputs h\n")
    with pytest.raises(ParseError, match="undefined"):
        parse_text("inputs a\ng = AND(a, q)\noutputs g\n")
    with pytest.raises(ParseError, match="defined twice"):
        parse_text("inputs a b\ng = AND(a, b)\ng = OR(a, b)\noutputs g\n")
    with pytest.raises(ParseError, match="unknown gate"):
        parse_text("inputs a b\ng = MAJ(a, b)\noutputs g\n")
    with pytest.raises(UnknownNameError, match="known bases"):
        parse_text("basis nand\ninputs a\noutputs a\n")
    with pytest.raises(ParseError, match="not in basis"):
        parse_text("basis aig\ninputs a b\ng = OR(a, b)\noutputs g\n")


def test_full_basis_folds_negations_into_gates():
    circuit = parse_text("inputs a b\ng = AND(a, !b)\nh = OR(g, b)\noutputs !h\n")
    assert circuit.basis == "full"
    assert all(lit & 1 == 0 for g in circuit.gates for lit in g.fanins)
    assert circuit.size == 3 and circuit.truth_tables() == [0b0001]


def test_dot_and_files(tmp_path):
    circuit = parse_text("inputs a b\ng = AND(a, !b)\noutputs !g\n")
    dot = to_dot(circuit)
    assert dot.startswith("digraph") and "style=dashed" in dot and dot.count("->") == 3
    path = tmp_path / "c.aag"
    path.write_text(write_circuit(circuit, "aag"))
    assert read_circuit(path).truth_tables() == circuit.truth_tables()
    with pytest.raises(UnknownNameError):
        read_circuit(tmp_path / "c.v")
