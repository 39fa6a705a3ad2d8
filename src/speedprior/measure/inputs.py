"""Input sets: every word over an alphabet of a given length, or a seeded sample of them.

Words are returned as a 2-D array of symbol indices (row = one word), which is what the
compiled kernels consume; `words_to_strings` turns them back into text for display.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from speedprior.errors import BudgetError

MAX_ENUMERATED_WORDS = 1 << 26  # 64M words: beyond this, sample instead
MAX_SEED = 2**63 - 1  # seeds lie in 0..MAX_SEED


def check_seed(seed: int) -> int:
    """`seed` as an int in 0..MAX_SEED, or a BudgetError naming it."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) <= MAX_SEED:
        raise BudgetError(f"a seed must be an integer in 0..2^63-1, got {seed!r}")
    return int(seed)


def count_words(alphabet_size: int, length: int, family: str = "all", sample: int | None = None) -> int:
    """How many words `all_words`/`sorted_words`/`sample_words` would return, without building them.

    Astronomical counts are capped at 2^64 (never computed exactly, so a length of 10^12 is cheap).
    """
    cap = 1 << 64
    if family == "sorted":  # C(n+k-1, k-1): k is at most 256, so this stays cheap for any n
        return min(math.comb(length + max(alphabet_size, 1) - 1, max(alphabet_size, 1) - 1), cap)
    if alphabet_size <= 1:
        count = 1
    elif length * math.log2(alphabet_size) >= 64:
        count = cap
    else:
        count = alphabet_size**length
    return count if sample is None else min(count, sample)


def all_words(alphabet_size: int, length: int) -> np.ndarray:
    """Return every word of `length` over {0..alphabet_size-1}, in lexicographic order."""
    if alphabet_size < 1:
        raise BudgetError(f"alphabet size must be at least 1, got {alphabet_size}")
    if length < 0:
        raise BudgetError(f"word length must be non-negative, got {length}")
    count = alphabet_size**length
    if count > MAX_ENUMERATED_WORDS:
        raise BudgetError(
            f"{alphabet_size}^{length} = {count} words is too many to enumerate; sample instead"
        )
    index = np.arange(count, dtype=np.int64)
    words = np.empty((count, length), dtype=np.uint8)
    for position in range(length - 1, -1, -1):  # last position varies fastest
        words[:, position] = index % alphabet_size
        index //= alphabet_size
    return words


def sample_words(alphabet_size: int, length: int, count: int, seed: int) -> np.ndarray:
    """Return `count` words of `length` drawn uniformly (with replacement) using `seed`."""
    if alphabet_size < 1 or length < 0 or count < 0:
        raise BudgetError(f"bad sample request: alphabet={alphabet_size} length={length} count={count}")
    rng = np.random.default_rng(check_seed(seed))
    return rng.integers(0, alphabet_size, size=(count, length), dtype=np.uint8)


def words_to_strings(words: np.ndarray, alphabet: str | list[str]) -> list[str]:
    """Render rows of symbol indices as strings over `alphabet`."""
    table = np.array(list(alphabet), dtype=object)
    return ["".join(row) for row in table[np.asarray(words, dtype=np.int64)]]


def sorted_words(alphabet_size: int, length: int) -> np.ndarray:
    """Every word of `length` whose symbols never decrease (0^a 1^b for a binary alphabet).

    These are C(length + k - 1, k - 1) words, so long lengths stay cheap; for the 0^k 1^k
    deciders they are exactly the inputs that survive the first scan, where worst cases live.
    """
    if alphabet_size < 1 or length < 0:
        raise BudgetError(f"bad sorted-word request: alphabet={alphabet_size} length={length}")
    rows = []
    for cut in itertools.combinations_with_replacement(range(alphabet_size), length):
        rows.append(cut)
    return np.array(rows, dtype=np.uint8).reshape(len(rows), length)
