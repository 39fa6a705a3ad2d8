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
from speedprior.tm._decide import NONE, STOPPED, decide_word, decide_word_ktape, simulate, simulate_ktape

UNDEFINED = -4
TAPE_FULL = -5  # stop code: the tape would have grown past max_cells
SLICE = 1 << 20  # steps between two looks at the cancel flag (about a millisecond of work)
EDGE = 64  # a run grows its tapes when a head comes this near an end


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

    stop is the stop code (<0) or the state the budget ran out in (>=0). The steps are taken
    by the package's one 1-tape stepping loop (`_decide.simulate`, deciders off) in stretches
    no longer than the head's distance to the nearer end of the tape, so the loop needs no
    bounds check; between stretches the tape doubles when the head comes near an end (up to
    max_cells), and `cancel[0]` is read every SLICE steps: when it is non-zero (Ctrl-C, set from
    another thread) the run returns early.
    """
    n = word.shape[0]
    size = 2 * n + 1024
    tape = np.zeros(size, dtype=np.uint8)
    head = (size - n) // 2
    tape[head : head + n] = word
    state, steps = 0, 0
    while steps < budget and cancel[0] == 0:
        room = min(head, size - 1 - head)
        if room < EDGE and 2 * size <= max_cells:
            tape, shift = _grow_1tape(tape)
            head += shift
            size = tape.shape[0]
            continue
        if room == 0:  # at an end with no room to grow: one checked step
            i = state * m + tape[head]
            nxt = next_state[i]
            steps += 1
            if nxt == UNDEFINED:
                return steps, undefined_code, tape, head
            tape[head] = write[i]
            head += move[i]
            if head < 0 or head >= size:
                return steps, TAPE_FULL, tape, head - move[i]
            if nxt < 0:
                return steps, nxt, tape, head
            state = nxt
            continue
        t, head, state, steps, _, _, _, _ = simulate(next_state, write, move, m, tape, head, state, steps, 0, head,
                                                     head, min(budget, steps + min(room, SLICE)), -1, tape, tape, tape)
        if t == STOPPED:
            return steps, state, tape, head
        if t >= 0:  # an undefined transition: one more, stopping, step
            return steps + 1, undefined_code, tape, head
    return steps, state, tape, head


@njit(**JIT)
def run_word_ktape(next_state, write, move, m, k, undefined_code, word, budget, max_cells, cancel):
    """Run a k-tape machine on `word` (on tape 0); return (steps, stop, tapes, lo, hi, heads).

    lo..hi is the range of cells any head visited (input included). The steps are taken by the
    package's one k-tape stepping loop (`_decide.simulate_ktape`, deciders off) in stretches no
    longer than the distance from the head nearest an end to that end, as `run_word_1tape` does;
    the tapes (one width for all) double between stretches, up to max_cells cells a tape.
    """
    n = word.shape[0]
    size = 2 * n + 64
    tapes = np.zeros((k, size), dtype=np.uint8)
    start = (size - n) // 2
    tapes[0, start : start + n] = word
    heads = np.full(k, start, dtype=np.int64)
    lo, hi = start, start + max(n, 1) - 1
    state, steps = 0, 0
    while steps < budget and cancel[0] == 0:
        room = size
        for t in range(k):
            room = min(room, heads[t], size - 1 - heads[t])
        if room < EDGE and 2 * size <= max_cells:
            tapes, shift = _grow_ktape(tapes)
            heads += shift
            lo += shift
            hi += shift
            size = tapes.shape[1]
            continue
        if room == 0:  # a head at an end with no room to grow: does this step walk off?
            read, power = 0, 1
            for t in range(k):
                read += tapes[t, heads[t]] * power
                power *= m
            i = state * power + read
            if next_state[i] != UNDEFINED:
                for t in range(k):
                    if not 0 <= heads[t] + move[i, t] < size:
                        return steps + 1, TAPE_FULL, tapes, lo, hi, heads
            room = 1
        t, state, steps, lo, hi, _ = simulate_ktape(next_state, write, move, m, tapes, heads, state, steps, lo, hi,
                                                    min(budget, steps + min(room, SLICE)), -1, tapes)
        if t == STOPPED:
            break
        if t >= 0:  # an undefined transition: one more, stopping, step
            return steps + 1, undefined_code, tapes, lo, hi, heads
    return steps, state, tapes, lo, hi, heads


@njit(**PARALLEL_JIT)
def run_batch(next_state, write, move, m, k, undefined_code, words, offsets, budget, max_cells, decide_steps,
              decide_warm, steps, stops, ones, reasons, cancel):
    """Run every word (words[offsets[j]:offsets[j+1]]) in parallel, filling steps/stops/ones/reasons.

    A run that exhausts its budget is re-run with the deciders (k > 1 tapes: cyclers alone) for
    min(budget, decide_steps) steps; reasons[j] is why it never halts (tm._decide), or NONE.
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
            reasons[j] = NONE
            if stop >= 0 and decide_steps > 0:
                reasons[j] = decide_word(next_state, write1, move1, m, word, min(budget, decide_steps),
                                         decide_warm)[3]
        else:
            s, stop, tapes, lo, hi, _ = run_word_ktape(next_state, write, move, m, k, undefined_code, word, budget,
                                                       max_cells, cancel)
            count = 0
            for c in range(lo, hi + 1 if stop != TAPE_FULL else lo):
                if tapes[0, c] != 0:
                    count += 1
            reasons[j] = NONE
            if stop >= 0 and decide_steps > 0:
                reasons[j] = decide_word_ktape(next_state, write, move, m, k, word, min(budget, decide_steps),
                                               decide_warm)[3]
        steps[j] = s
        stops[j] = stop
        ones[j] = count
