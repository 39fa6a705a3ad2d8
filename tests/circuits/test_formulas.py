"""Minimal formula sizes: exact values, a brute-force twin over explicit trees, and formula >= circuit."""

import itertools

import pytest

from speedprior.circuits.circuit import apply_op
from speedprior.circuits.formulas import BINARY_OPS, formula_size, formula_sizes, projection
from speedprior.circuits.synthesis import minimum_size
from speedprior.errors import BudgetError, ParseError, UnknownNameError

XOR3, MAJ3, XOR2 = 0x96, 0xE8, 0x6


def _apply(op: int, a: int, b: int, n: int) -> int:
    """A gate applied row by row, written the slow way."""
    return sum(apply_op(op, (a >> t) & 1, (b >> t) & 1) << t for t in range(1 << n))


def _trees(k: int, leaves: list[int], ops: tuple[int, ...], n: int, with_not: bool):
    """Truth tables of every formula tree with exactly k gates, enumerated tree by tree."""
    full = (1 << (1 << n)) - 1
    if k == 0:
        yield from leaves
        return
    if with_not:
        for inner in _trees(k - 1, leaves, ops, n, with_not):
            yield full ^ inner
    for i in range(k):
        lefts = list(_trees(i, leaves, ops, n, with_not))
        rights = list(_trees(k - 1 - i, leaves, ops, n, with_not))
        for a, b, op in itertools.product(lefts, rights, ops):
            yield _apply(op, a, b, n)


def _naive_sizes(n: int, basis: str, up_to: int) -> dict[int, int]:
    full = (1 << (1 << n)) - 1
    leaves = [0, full] + [projection(i, n) for i in range(n)]
    with_not = basis in ("full", "and-or-not")
    if not with_not:
        leaves += [full ^ projection(i, n) for i in range(n)]
    sizes: dict[int, int] = {}
    for k in range(up_to + 1):
        for tt in _trees(k, leaves, BINARY_OPS[basis], n, with_not):
            sizes.setdefault(tt, k)
    return sizes


@pytest.mark.parametrize(("n", "basis", "up_to"), [(2, "aig", 3), (2, "and-or-not", 3), (3, "full", 2),
                                                   (3, "aig", 2), (2, "full", 3)])
def test_the_table_matches_brute_force_over_trees(n, basis, up_to):
    naive = _naive_sizes(n, basis, up_to)
    table = formula_sizes(n, basis)
    for tt in range(1 << (1 << n)):
        if tt in naive:
            assert table[tt] == naive[tt], f"{tt:x}"
        else:
            assert table[tt] > up_to, f"{tt:x}"


def test_known_formula_sizes():
    assert formula_size(XOR3, 3, "full") == 2
    assert formula_size(MAJ3, 3, "full") == 4  # (a & b) | (c & (a | b))
    assert formula_size(XOR2, 2, "aig") == 3
    # De Morgan formulas for 3-input parity need 10 leaves (Khrapchenko's bound is 9): 9 AND gates
    assert formula_size(XOR3, 3, "aig") == 9
    assert formula_size(0b10, 1, "full") == 0 and formula_size(0b01, 1, "full") == 1  # NOT is a gate
    assert formula_size(0b01, 1, "aig") == 0  # a complemented edge is free
    assert formula_size(0b01, 1, "and-or-not") == 1


def test_every_function_gets_a_size_and_four_inputs_need_seven_full_gates_at_most():
    table = formula_sizes(4, "full")
    assert len(table) == 1 << 16 and table.min() == 0 and table.max() == 7
    assert (formula_sizes(4, "xaig") <= table).all()  # xaig has free negations, otherwise the same gates


@pytest.mark.parametrize("basis", ["full", "xaig", "aig"])
def test_a_formula_is_a_circuit(basis):
    """Formula size >= minimal circuit size; the two agree on every 3-input function in full and xaig."""
    table = formula_sizes(3, basis)
    for tt in range(0, 256, 1 if basis != "aig" else 7):
        circuit = minimum_size(tt, 3, basis)[0]
        assert table[tt] >= circuit
        if basis != "aig":
            assert table[tt] == circuit
    assert formula_size(0x16, 3, "aig") == minimum_size(0x16, 3, "aig")[0] + 1  # exactly-one needs a reused gate


def test_bad_arguments_are_named():
    with pytest.raises(BudgetError, match="0..4 inputs, got 5"):
        formula_sizes(5)
    with pytest.raises(UnknownNameError, match="known bases"):
        formula_sizes(2, "nand")
    with pytest.raises(ParseError, match="does not fit 2 inputs"):
        formula_size(0x1F, 2)
