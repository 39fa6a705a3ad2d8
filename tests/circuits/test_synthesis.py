"""Exact synthesis: known minimal sizes, brute-force twins, enumeration and counting."""

from __future__ import annotations

import random

import pytest

from speedprior.circuits.circuit import check_in_basis
from speedprior.circuits.synthesis import (
    canonical_form,
    essential_inputs,
    isomorphism_key,
    minimum_size,
    parse_truth_table,
    restrict_to_support,
    synthesize,
)
from speedprior.errors import BudgetError, ParseError, UnknownNameError
from tests.circuits import naive

XOR2, AND4, XOR4, MAJ3, MUX = (0x6, 2), (0x8000, 4), (0x6996, 4), (0xE8, 3), (0xCA, 3)


@pytest.mark.parametrize(
    "function, basis, size, depth",
    [
        (XOR2, "and-or-not", 4, 3),  # (a|b) & !(a&b)
        (XOR2, "aig", 3, 2),
        (XOR2, "xaig", 1, 1),
        (XOR2, "full", 1, 1),
        (AND4, "aig", 3, 2),
        (AND4, "and-or-not", 3, 2),
        (XOR4, "xaig", 3, 2),
        (XOR4, "full", 3, 2),
        (MAJ3, "aig", 4, 3),
        (MAJ3, "full", 4, 3),
        (MAJ3, "and-or-not", 4, 3),
        (MUX, "aig", 3, 2),
        (MUX, "xaig", 3, 2),
    ],
)
def test_known_minimal_sizes(function, basis, size, depth):
    tt, n = function
    result = synthesize(tt, n, basis)
    assert (result.size, result.depth) == (size, depth)
    assert result.circuit.truth_tables() == [tt]
    check_in_basis(result.circuit, basis)


def test_every_enumerated_circuit_is_minimal_correct_and_distinct():
    for (tt, n), basis in [(MAJ3, "full"), (AND4, "xaig"), (MUX, "and-or-not")]:
        result = synthesize(tt, n, basis)
        assert len(result.circuits) == result.minimal_count
        assert len({canonical_form(c) for c in result.circuits}) == result.minimal_count
        for circuit in result.circuits:
            assert circuit.size == result.size and naive.truth_table(circuit) == tt
        assert result.depth == min(c.depth for c in result.circuits)


@pytest.mark.parametrize(
    "function, basis, max_r",
    [(XOR2, "and-or-not", 4), (XOR2, "aig", 3), (AND4, "aig", 3), (AND4, "full", 3), (MAJ3, "aig", 4),
     (MAJ3, "and-or-not", 4), (MUX, "xaig", 3), (MUX, "full", 3), ((0x1E, 3), "full", 2), ((0x96, 3), "xaig", 2)],
)
def test_counts_match_brute_force_enumeration(function, basis, max_r):
    tt, n = function
    result = synthesize(tt, n, basis)
    assert naive.brute_minimal(tt, n, basis, max_r) == (result.size, result.minimal_count)


def test_classes_group_circuits_by_renaming_inputs():
    result = synthesize(*AND4, "aig")  # 3 balanced trees + 12 chains
    assert (result.minimal_count, result.classes) == (15, 2)
    xor4 = synthesize(*XOR4, "xaig")
    assert (xor4.minimal_count, xor4.classes) == (15, 2)
    keys = {isomorphism_key(c) for c in xor4.circuits}
    assert len(keys) == 2


@pytest.mark.parametrize("basis, max_r", [("full", 3), ("aig", 3), ("xaig", 3), ("and-or-not", 4)])
def test_sizes_of_all_three_input_functions_match_breadth_first_search(basis, max_r):
    # The BFS tries every gate of the basis (all 16 B2 functions in full), so it also checks
    # that the SAT encoding's normal forms lose nothing.
    best = naive.reachable_sizes(3, basis, max_r)
    for tt in range(0, 256, 3 if basis == "and-or-not" else 1):  # and-or-not is slow: a third of them
        size, _ = minimum_size(tt, 3, basis)
        if tt in best:
            assert size == best[tt], f"{tt:02x}"
        else:
            assert size > max_r, f"{tt:02x}"
            if basis == "full":
                assert size == 4  # every 3-input function has B2 complexity <= 4 (Knuth 7.1.2)


def test_random_four_input_functions_need_at_most_seven_b2_gates():
    rng = random.Random(5)
    for _ in range(3):
        tt = rng.getrandbits(16)
        size, circuit = minimum_size(tt, 4, "full")
        assert size <= 7 and naive.truth_table(circuit) == tt


def test_minimal_depth_trades_size_for_depth():
    # x0 & x1 & x2 & x3 | ...: check on a function where the shallowest circuit is larger
    for tt, n, basis in [(0x8000, 4, "aig"), (0xE8, 3, "and-or-not"), (0x6996, 4, "xaig"), (0xCA, 3, "aig")]:
        by_size = synthesize(tt, n, basis, "size")
        by_depth = synthesize(tt, n, basis, "depth")
        assert by_depth.depth <= by_size.depth
        assert by_depth.size >= by_size.size
        assert by_depth.circuit.truth_tables() == [tt]
        for circuit in by_depth.circuits:
            assert (circuit.depth, circuit.size) == (by_depth.depth, by_depth.size)
    chain_free = synthesize(*AND4, "aig", "depth")
    assert (chain_free.size, chain_free.depth, chain_free.minimal_count) == (3, 2, 3)


def test_trivial_functions():
    assert synthesize(0, 2).size == 0
    assert synthesize(0xF, 2).circuit.outputs == (1,)
    assert synthesize(0xA, 2, "aig").circuit.outputs == (2,)
    negated = synthesize(0x5, 2, "aig")
    assert (negated.size, negated.circuit.outputs) == (0, (3,))
    assert synthesize(0x5, 2, "full").size == 1
    assert synthesize(0x5, 2, "and-or-not").size == 1


def test_truth_table_parsing_and_bad_input():
    assert parse_truth_table("6996", 4) == 0x6996
    assert parse_truth_table("0xe8", 3) == 0xE8
    assert parse_truth_table("2", 1) == 2
    with pytest.raises(ParseError, match="4 hex digit"):
        parse_truth_table("699", 4)
    with pytest.raises(ParseError, match="not hexadecimal"):
        parse_truth_table("zz", 3)
    with pytest.raises(ParseError, match="beyond"):
        parse_truth_table("7", 1)
    with pytest.raises(BudgetError):
        parse_truth_table("0", 5)
    with pytest.raises(UnknownNameError, match="known bases"):
        synthesize(6, 2, "nand")


def test_support_helpers():
    assert essential_inputs(0x1818, 4) == [0, 1, 2]
    assert restrict_to_support(0x1818, 4) == (0x18, [0, 1, 2])
    assert restrict_to_support(0xCCCC, 4) == (0b10, [1])
