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


@njit(**JIT)
def formula_size_table(n_functions, leaves, binary_ops, not_costs_one, max_size):
    """Minimal formula size of every function (index = truth table), -1 above max_size.

    A formula is a tree: size(f) = min over a root gate `op` and subformulas g, h of
    size(g) + size(h) + 1, so the functions of size k come from pairs of sizes (i, k-1-i).
    leaves: int64 truth tables of size 0; binary_ops: 4-bit gate tables (bit a+2b = op(a, b));
    not_costs_one: a NOT gate of cost 1 applies to any formula. Returns (sizes, order, starts):
    order[starts[k]:starts[k+1]] lists the functions of size exactly k.
    """
    mask = np.int64(n_functions - 1)
    size = np.full(n_functions, -1, dtype=np.int16)
    order = np.empty(n_functions, dtype=np.int64)
    starts = np.zeros(max_size + 2, dtype=np.int64)
    count = 0
    for leaf in leaves:
        if size[leaf] < 0:
            size[leaf] = 0
            order[count] = leaf
            count += 1
    starts[1] = count
    for k in range(1, max_size + 1):
        if count == n_functions:
            starts[k + 1] = count
            continue
        if not_costs_one:
            for idx in range(starts[k - 1], starts[k]):
                r = ~order[idx] & mask
                if size[r] < 0:
                    size[r] = k
                    order[count] = r
                    count += 1
        for i in range(0, k):
            j = k - 1 - i
            if i > j:
                break
            for ia in range(starts[i], starts[i + 1]):
                a = order[ia]
                first_b = ia if i == j else starts[j]
                for ib in range(first_b, starts[j + 1]):
                    b = order[ib]
                    for op in binary_ops:
                        r = np.int64(0)
                        if op & 1:
                            r |= ~a & ~b
                        if op & 2:
                            r |= a & ~b
                        if op & 4:
                            r |= ~a & b
                        if op & 8:
                            r |= a & b
                        r &= mask
                        if size[r] < 0:
                            size[r] = k
                            order[count] = r
                            count += 1
        starts[k + 1] = count
    return size, order[:count], starts
