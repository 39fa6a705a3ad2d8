"""Numba kernels for bit-parallel circuit evaluation: 64 inputs per machine word."""

from __future__ import annotations

import numpy as np
from numba import njit

from speedprior._numba import JIT


@njit(**JIT)
def simulate_words(input_words, ops, fanin_a, fanin_b):
    """Values of every node (constant, inputs, gates) as rows of uint64 words.

    input_words: uint64[n_inputs, n_words]; ops, fanin_a, fanin_b: int64[n_gates], fanins as
    literals (2*node + complement). A one-input gate has fanin_b == fanin_a.
    """
    n_inputs, n_words = input_words.shape
    n_gates = ops.shape[0]
    values = np.zeros((1 + n_inputs + n_gates, n_words), dtype=np.uint64)
    values[1 : 1 + n_inputs, :] = input_words
    ones = np.uint64(0xFFFFFFFFFFFFFFFF)
    zero = np.uint64(0)
    for g in range(n_gates):
        node = 1 + n_inputs + g
        op = ops[g]
        la = fanin_a[g]
        lb = fanin_b[g]
        mask_a = ones if la & 1 else zero
        mask_b = ones if lb & 1 else zero
        for w in range(n_words):
            a = values[la >> 1, w] ^ mask_a
            b = values[lb >> 1, w] ^ mask_b
            out = zero
            # bit (a + 2b) of op is op(a, b): OR together the minterms the op selects
            if op & 1:
                out |= ~a & ~b
            if op & 2:
                out |= a & ~b
            if op & 4:
                out |= ~a & b
            if op & 8:
                out |= a & b
            values[node, w] = out
    return values


@njit(**JIT)
def all_input_words(n_inputs, n_words):
    """Input words enumerating all 2^n assignments: row i is bit i of the input index."""
    words = np.zeros((n_inputs, n_words), dtype=np.uint64)
    # within a word, input i < 6 follows a fixed pattern (0xAAAA.., 0xCCCC.., ...)
    patterns = np.array(
        [0xAAAAAAAAAAAAAAAA, 0xCCCCCCCCCCCCCCCC, 0xF0F0F0F0F0F0F0F0,
         0xFF00FF00FF00FF00, 0xFFFF0000FFFF0000, 0xFFFFFFFF00000000],
        dtype=np.uint64,
    )
    ones = np.uint64(0xFFFFFFFFFFFFFFFF)
    for i in range(n_inputs):
        for w in range(n_words):
            if i < 6:
                words[i, w] = patterns[i]
            elif (w >> (i - 6)) & 1:
                words[i, w] = ones
    return words


@njit(**JIT)
def pack_rows(bits):
    """Pack a uint8[m, k] matrix column-wise: out[j, w] bit r = bits[64*w + r, j]."""
    m, k = bits.shape
    n_words = (m + 63) // 64
    out = np.zeros((k, n_words), dtype=np.uint64)
    for r in range(m):
        w = r >> 6
        shift = np.uint64(r & 63)
        for j in range(k):
            if bits[r, j]:
                out[j, w] |= np.uint64(1) << shift
    return out


@njit(**JIT)
def unpack_rows(words, m):
    """Inverse of pack_rows: uint8[m, k] with out[r, j] = bit r of words[j]."""
    k = words.shape[0]
    out = np.zeros((m, k), dtype=np.uint8)
    for r in range(m):
        w = r >> 6
        shift = np.uint64(r & 63)
        for j in range(k):
            out[r, j] = (words[j, w] >> shift) & np.uint64(1)
    return out
