"""Minimal formula size: circuits whose gates have fan-out one (trees), for every function of <= 4 inputs.

A formula may read an input many times but may not reuse a gate's output, so it is a tree of
gates over input leaves. Its size is counted exactly as `Circuit.size` counts the gates of a
circuit in the same basis (see circuits/circuit.py for the bases), so a formula is a circuit
and formula size >= circuit size for every function:

    full        every 2-input function is one gate; a lone NOT costs one gate
    xaig        AND and XOR gates, complemented edges free (leaves are literals)
    aig         AND gates, complemented edges free
    and-or-not  AND, OR and NOT gates, every NOT costs one gate

Sizes are exact for all 2^(2^n) functions at once, by dynamic programming over size: a minimal
formula's root gate joins two minimal formulas whose sizes add to one less (numba kernel).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from speedprior.circuits._kernels import formula_size_table
from speedprior.circuits.circuit import check_basis_name
from speedprior.errors import BudgetError, ParseError

MAX_INPUTS = 4
MAX_FORMULA_SIZE = 64  # far above the largest 4-input formula in every basis

# 4-bit gate tables (bit a + 2b = op(a, b)) of each basis's two-input gates, with free negations folded in
AND_FAMILY = (1, 2, 4, 8, 7, 11, 13, 14)  # AND/OR with any input or output complemented
XOR_FAMILY = (6, 9)
BINARY_OPS = {
    "full": AND_FAMILY + XOR_FAMILY,  # every 2-input function that depends on both inputs
    "xaig": AND_FAMILY + XOR_FAMILY,
    "aig": AND_FAMILY,
    "and-or-not": (8, 14),
}
NOT_IS_A_GATE = {"full": True, "xaig": False, "aig": False, "and-or-not": True}


def projection(i: int, n: int) -> int:
    """The truth table of input i among n (bit t = bit i of t)."""
    return sum(1 << t for t in range(1 << n) if (t >> i) & 1)


def _leaves(n: int, basis: str) -> np.ndarray:
    full = (1 << (1 << n)) - 1
    leaves = [0, full] + [projection(i, n) for i in range(n)]
    if not NOT_IS_A_GATE[basis]:
        leaves += [full ^ projection(i, n) for i in range(n)]
    return np.array(leaves, dtype=np.int64)


def _check(n: int, basis: str) -> None:
    check_basis_name(basis)
    if not 0 <= n <= MAX_INPUTS:
        raise BudgetError(f"formula sizes are tabulated for 0..{MAX_INPUTS} inputs, got {n}")


@lru_cache(maxsize=16)
def _table(n: int, basis: str) -> np.ndarray:
    ops = np.array(BINARY_OPS[basis], dtype=np.int64)
    sizes, _, _ = formula_size_table(1 << (1 << n), _leaves(n, basis), ops, NOT_IS_A_GATE[basis], MAX_FORMULA_SIZE)
    if (sizes < 0).any():  # every basis here is complete, so this would be a bug in the table
        raise BudgetError(f"some {n}-input functions have no {basis} formula of <= {MAX_FORMULA_SIZE} gates")
    sizes.setflags(write=False)
    return sizes


def formula_sizes(n: int, basis: str = "full") -> np.ndarray:
    """Minimal formula size of every n-input function in `basis`; entry tt is the function with truth table tt."""
    _check(n, basis)
    return _table(n, basis)


def formula_size(tt: int, n: int, basis: str = "full") -> int:
    """Minimal formula size of the n-input function with truth table `tt` (bit i = f(i))."""
    _check(n, basis)
    if not 0 <= tt < 1 << (1 << n):
        raise ParseError(f"truth table {tt:#x} does not fit {n} inputs")
    return int(_table(n, basis)[tt])
