"""Bit-parallel evaluation against the per-input naive twin; size, depth and cost profiles."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedprior.circuits import _kernels
from speedprior.circuits.circuit import AND, NOT, OR, XOR, Circuit, Gate
from speedprior.circuits.evaluate import (
    evaluate,
    family_profile,
    input_words,
    output_depth_profile,
    profile,
    truth_tables,
)
from speedprior.errors import BudgetError, ParseError
from tests.circuits import naive


def random_circuit(rng: np.random.Generator, n: int, g: int, basis: str = "full", outputs: int = 2) -> Circuit:
    gates = []
    for i in range(g):
        nodes = 1 + n + i
        if basis == "full" and nodes > 1 and rng.random() < 0.15:
            gates.append(Gate(NOT, (2 * int(rng.integers(1, nodes)),)))
            continue
        a, b = (2 * int(rng.integers(0, nodes)) for _ in range(2))
        if basis == "full":
            gates.append(Gate(int(rng.integers(0, 16)), (a, b)))
        else:
            op = AND if basis == "aig" else int(rng.choice([AND, XOR]))
            gates.append(Gate(op, (a ^ int(rng.integers(0, 2)), b ^ int(rng.integers(0, 2)))))
    outs = tuple(int(rng.integers(0, 2 * (1 + n + g))) for _ in range(outputs))
    if basis == "full":
        outs = tuple(o & ~1 if o > 1 else o for o in outs)
    return Circuit(n, tuple(gates), outs, basis)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 8), g=st.integers(0, 30),
       basis=st.sampled_from(["full", "aig", "xaig"]))
def test_bit_parallel_evaluation_matches_naive_per_input_loop(seed, n, g, basis):
    circuit = random_circuit(np.random.default_rng(seed), n, g, basis)
    tables = truth_tables(circuit)
    for k in range(len(circuit.outputs)):
        assert tables[k] == naive.truth_table(circuit, k)
    rows = np.random.default_rng(seed + 1).integers(0, 2, size=(70, n), dtype=np.uint8)
    got = evaluate(circuit, rows)
    for r in range(rows.shape[0]):
        assert list(got[r]) == naive.eval_one(circuit, list(rows[r]))


def test_kernels_pack_unpack_and_input_patterns():
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2, size=(130, 5), dtype=np.uint8)
    words = _kernels.pack_rows(bits)
    assert words.shape == (5, 3)
    assert np.array_equal(_kernels.unpack_rows(words, 130), bits)
    for n in (1, 3, 7, 9):
        w = input_words(n)
        table = _kernels.unpack_rows(w, 1 << n)
        for i in range(1 << n):
            assert [int(b) for b in table[i]] == [(i >> j) & 1 for j in range(n)]
    with pytest.raises(BudgetError):
        input_words(40)


def test_size_depth_and_output_depths():
    # y0 = (x0 & x1) | x2 (depth 2), y1 = NOT x2 (depth 1), y2 = x0 (depth 0)
    gates = (Gate(AND, (2, 4)), Gate(OR, (8, 6)), Gate(NOT, (6,)))
    circuit = Circuit(3, gates, (10, 12, 2), "and-or-not")
    assert (circuit.size, circuit.depth, circuit.output_depths) == (3, 2, (2, 1, 0))
    assert circuit.truth_tables() == [0b11111000, 0b00001111, 0b10101010]
    dangling = Circuit(3, gates + (Gate(AND, (10, 12)),), (10,), "and-or-not")
    trimmed = dangling.reachable()
    assert (dangling.size, trimmed.size) == (4, 2) and trimmed.truth_tables() == [0b11111000]


def test_basis_rules():
    with pytest.raises(ParseError, match="not in basis"):
        Circuit(2, (Gate(XOR, (2, 4)),), (6,), "aig")
    with pytest.raises(ParseError, match="complemented"):
        Circuit(2, (Gate(AND, (3, 4)),), (6,), "and-or-not")
    with pytest.raises(ParseError, match="not before it"):
        Circuit(2, (Gate(AND, (2, 6)),), (6,), "aig")
    Circuit(2, (Gate(AND, (3, 4)),), (7,), "aig")  # free negations


def test_cost_profiles():
    circuit = Circuit(2, (Gate(AND, (2, 4)), Gate(OR, (2, 6))), (6, 8), "and-or-not")
    p = profile(circuit, "size")
    assert p.costs.tolist() == [2, 2, 2, 2] and p.accepted.tolist() == [False, False, False, True]
    assert profile(circuit, "depth").costs.tolist() == [2, 2, 2, 2]
    assert output_depth_profile(circuit).costs.tolist() == [1, 2]
    fam = family_profile({3: circuit, 1: Circuit(1, (), (2,), "aig")}, "size")
    assert fam.keys.tolist() == [1, 3] and fam.costs.tolist() == [0, 2]
