"""Words as kernel arrays: the one input encoder of the search package.

A list of words becomes one flat uint8 array of tape-symbol indices and an int64 offsets
array (word i is flat[offsets[i]:offsets[i + 1]]), the form every search kernel reads.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from speedprior.errors import ParseError


def pack(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate uint8 arrays into (flat, offsets)."""
    offsets = np.zeros(len(arrays) + 1, np.int64)
    np.cumsum([len(a) for a in arrays], out=offsets[1:])
    return (np.concatenate(arrays).astype(np.uint8) if len(arrays) else np.zeros(0, np.uint8)), offsets


def encode_words(words: Sequence[str], symbols: Sequence[str], input_symbols: Sequence[str]
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Words over `input_symbols` as (flat symbol indices into `symbols`, offsets); refuses other characters."""
    index = {s: i for i, s in enumerate(symbols)}
    allowed = set(input_symbols)
    encoded = []
    for word in words:
        bad = [ch for ch in word if ch not in allowed or ch not in index]
        if bad:
            raise ParseError(f"input {word!r} uses {bad[0]!r}, not in the input alphabet {''.join(input_symbols)!r}")
        encoded.append(np.array([index[ch] for ch in word], np.uint8))
    return pack(encoded)
