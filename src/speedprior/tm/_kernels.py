"""Compiled kernels that step Turing machines. Arrays and scalars in, arrays out.

Tables are flat: entry i = state * R + read, where R = m**k. A run stops when a transition's
next state is negative (a stop code) or when `budget` steps have been taken. Tapes start with
room around the input and double when a head walks off either end, up to `max_cells` cells a
tape (a run whose tape would outgrow that stops with TAPE_FULL). Every kernel takes `cancel`,
a one-element uint8 array it reads between slices of SLICE steps, so that a run started by
`_interrupt.call` stops soon after Ctrl-C.
"""

import numpy as np
from numba import njit, prange

from speedprior._numba import JIT, PARALLEL_JIT

UNDEFINED = -4
TAPE_FULL = -5  # stop code: the tape would have grown past max_cells
SLICE = 1 << 20  # steps between two looks at the cancel flag (about a millisecond of work)


@njit(**JIT)
def _grow_1tape(tape):
    # Double the tape, keeping the old contents centred; return the shift applied to positions.
    size = tape.shape[0]
    shift = size // 2
    grown = np.zeros(size + 2 * shift, dtype=tape.dtype)
    grown[shift : shift + size] = tape
    return grown, shift


@njit(**JIT)
def _grow_ktape(tapes):
    size = tapes.shape[1]
    shift = size // 2
    grown = np.zeros((tapes.shape[0], size + 2 * shift), dtype=tapes.dtype)
    grown[:, shift : shift + size] = tapes
    return grown, shift


@njit(**JIT)
def run_word_1tape(next_state, write, move, m, undefined_code, word, budget, max_cells, cancel):
    """Run a 1-tape machine on `word`; return (steps, stop, tape, head).

    stop is the stop code (<0) or the state the budget ran out in (>=0). The loop does the
    least per step (one branch for every kind of stop, one for the tape's ends) because the
    busy beavers run it tens of millions of times. Every SLICE steps it leaves the inner loop
    to read `cancel[0]`: when that is non-zero (Ctrl-C, set from another thread) it returns early.
    """
    n = word.shape[0]
    size = 2 * n + 1024
    tape = np.zeros(size, dtype=np.uint8)
    head = (size - n) // 2
    tape[head : head + n] = word
    state, steps = 0, 0
    stopped = False
    while steps < budget and not stopped and cancel[0] == 0:
        limit = min(budget, steps + SLICE)
        while steps < limit:
            i = state * m + tape[head]
            nxt = next_state[i]
            steps += 1
            if nxt < 0:
                if nxt == UNDEFINED:
                    state = undefined_code
                    stopped = True
                    break
                state = nxt  # a halting transition still writes and moves
            tape[head] = write[i]
            head += move[i]
            if head < 0 or head >= size:
                if 2 * size > max_cells:
                    state = TAPE_FULL
                    stopped = True
                    break
                tape, shift = _grow_1tape(tape)
                head += shift
                size = tape.shape[0]
            if nxt < 0:
                stopped = True
                break
            state = nxt
    return steps, state, tape, head


@njit(**JIT)
def run_word_ktape(next_state, write, move, m, k, undefined_code, word, budget, max_cells, cancel):
    """Run a k-tape machine on `word` (on tape 0); return (steps, stop, tapes, lo, hi, heads)."""
    n = word.shape[0]
    size = 2 * n + 64
    tapes = np.zeros((k, size), dtype=np.uint8)
    start = (size - n) // 2
    tapes[0, start : start + n] = word
    heads = np.full(k, start, dtype=np.int64)
    lo, hi = start, start + max(n, 1) - 1
    state, steps = 0, 0
    stopped = False
    while steps < budget and not stopped and cancel[0] == 0:
        limit = min(budget, steps + SLICE)
        while steps < limit:
            read, power = 0, 1
            for t in range(k):
                read += tapes[t, heads[t]] * power
                power *= m
            i = state * power + read
            nxt = next_state[i]
            steps += 1
            if nxt == UNDEFINED:
                state = undefined_code
                stopped = True
                break
            grow = False
            for t in range(k):
                tapes[t, heads[t]] = write[i, t]
                heads[t] += move[i, t]
                if heads[t] < 0 or heads[t] >= tapes.shape[1]:
                    grow = True
            state = nxt
            if grow:
                if 2 * tapes.shape[1] > max_cells:
                    state = TAPE_FULL
                    stopped = True
                    break
                tapes, shift = _grow_ktape(tapes)
                heads += shift
                lo += shift
                hi += shift
            for t in range(k):
                if heads[t] < lo:
                    lo = heads[t]
                elif heads[t] > hi:
                    hi = heads[t]
            if nxt < 0:
                stopped = True
                break
    return steps, state, tapes, lo, hi, heads


@njit(**PARALLEL_JIT)
def run_batch(next_state, write, move, m, k, undefined_code, words, offsets, budget, max_cells, steps, stops, ones,
              cancel):
    """Run every word (words[offsets[j]:offsets[j+1]]) in parallel, filling steps/stops/ones.

    After a cancel (cancel[0] != 0) the words not yet finished are left unfilled.
    """
    write1 = np.ascontiguousarray(write[:, 0])
    move1 = np.ascontiguousarray(move[:, 0])
    for j in prange(offsets.shape[0] - 1):
        if cancel[0] != 0:
            continue
        word = words[offsets[j] : offsets[j + 1]]
        if k == 1:
            s, stop, tape, _ = run_word_1tape(next_state, write1, move1, m, undefined_code, word, budget, max_cells,
                                              cancel)
            count = 0
            for c in range(tape.shape[0] if stop != TAPE_FULL else 0):
                if tape[c] != 0:
                    count += 1
        else:
            s, stop, tapes, lo, hi, _ = run_word_ktape(next_state, write, move, m, k, undefined_code, word, budget,
                                                       max_cells, cancel)
            count = 0
            for c in range(lo, hi + 1 if stop != TAPE_FULL else lo):
                if tapes[0, c] != 0:
                    count += 1
        steps[j] = s
        stops[j] = stop
        ones[j] = count
