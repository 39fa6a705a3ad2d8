"""Compiled kernels that step Turing machines. Arrays and scalars in, arrays out.

Tables are flat: entry i = state * R + read, where R = m**k. A run stops when a transition's
next state is negative (a stop code) or when `budget` steps have been taken. Tapes start with
room around the input and double when a head comes near either end, up to `max_cells` cells a
tape (a run whose head would walk off the widest stops with TAPE_FULL). Every kernel takes `cancel`,
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
BATCH_CHUNK = 256  # words a k-tape batch runs one after another on one array of tapes


@njit(**JIT)
def _grow_1tape(tape):
    # Double the tape, keeping the old contents centred; return the shift applied to positions.
    size = tape.shape[0]
    shift = size // 2
    grown = np.zeros(size + 2 * shift, dtype=tape.dtype)
    grown[shift : shift + size] = tape
    return grown, shift


@njit(**JIT)
def _grow_ktape(tapes, base, size):
    # A new array of twice `size` cells a tape holding the window [base, base + size) of every
    # tape at its centre; return it and the shift applied to positions in the window.
    shift = size // 2
    grown = np.zeros((tapes.shape[0], 2 * size), dtype=tapes.dtype)
    for t in range(tapes.shape[0]):
        for c in range(size):
            grown[t, shift + c] = tapes[t, base + c]
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


@njit(inline="always", **JIT)
def _place_ktape(tapes, heads, words, first, last):
    # Put words[first:last] on tape 0 of a zeroed array at the centre of its first window, the
    # 2n + 64 cells a run starts with; return (lo, hi, base, size).
    n = last - first
    size = 2 * n + 64
    base = (tapes.shape[1] - size) // 2
    start = base + (size - n) // 2
    for c in range(np.uint64(n)):  # unsigned: no negative-index wrapping, so the copy vectorises
        tapes[0, np.uint64(start) + c] = words[np.uint64(first) + c]
    for t in range(tapes.shape[0]):
        heads[t] = start
    return start, start + max(n, 1) - 1, base, size


@njit(inline="always", **JIT)
def _step_ktape(next_state, write, move, m, undefined_code, budget, max_cells, cancel, tapes, heads, state, steps, lo,
                hi, base, size):
    # Step a run whose tapes are the window [base, base + size) of the array `tapes` until it
    # stops, runs out of budget, is cancelled, or its window must double past the array (then
    # `outgrown`: the caller widens the array and calls again). Return (steps, stop, lo, hi,
    # base, size, outgrown), stop the stop code or the state the run is in. The window starts
    # 2n + 64 cells wide and doubles around its contents whatever the array's width, so a wide
    # array, reused across a batch, changes nothing (TAPE_FULL included). Arrays are indexed
    # with loops, never sliced, and nothing is allocated, so that a call costs no reference
    # counting (atomic operations that would cost a short run more than its steps).
    k = tapes.shape[0]
    while steps < budget and cancel[0] == 0:
        room = size
        for t in range(k):
            room = min(room, heads[t] - base, base + size - 1 - heads[t])
        if room < EDGE and 2 * size <= max_cells:
            if base < size // 2 or base + size + size // 2 > tapes.shape[1]:
                return steps, state, lo, hi, base, size, True
            base -= size // 2  # the array has room around the window
            size *= 2
            continue
        if room == 0:  # a head at an end with no room to grow: does this step walk off?
            read, power = 0, 1
            for t in range(k):
                read += tapes[t, heads[t]] * power
                power *= m
            i = state * power + read
            if next_state[i] != UNDEFINED:
                for t in range(k):
                    if not base <= heads[t] + move[i, t] < base + size:
                        return steps + 1, TAPE_FULL, lo, hi, base, size, False
            room = 1
        t, state, steps, lo, hi, _ = simulate_ktape(next_state, write, move, m, tapes, heads, state, steps, lo, hi,
                                                    min(budget, steps + min(room, SLICE)), -1, tapes, heads)
        if t == STOPPED:
            break
        if t >= 0:  # an undefined transition: one more, stopping, step
            return steps + 1, undefined_code, lo, hi, base, size, False
    return steps, state, lo, hi, base, size, False


@njit(**JIT)
def run_word_ktape(next_state, write, move, m, k, undefined_code, word, budget, max_cells, cancel):
    """Run a k-tape machine on `word` (on tape 0); return (steps, stop, tapes, lo, hi, heads).

    lo..hi is the range of cells any head visited (input included). The steps are taken by the
    package's one k-tape stepping loop (`_decide.simulate_ktape`, deciders off) in stretches no
    longer than the distance from the head nearest an end to that end, as `run_word_1tape` does;
    the tapes (one width for all, 2n + 64 cells at first) double between stretches, up to
    max_cells cells a tape, and `cancel[0]` is read every SLICE steps.
    """
    tapes = np.zeros((k, 2 * word.shape[0] + 64), dtype=np.uint8)
    heads = np.empty(k, dtype=np.int64)
    lo, hi, base, size = _place_ktape(tapes, heads, word, 0, word.shape[0])
    steps, stop = 0, 0
    while True:
        steps, stop, lo, hi, base, size, outgrown = _step_ktape(next_state, write, move, m, undefined_code, budget,
                                                                max_cells, cancel, tapes, heads, stop, steps, lo, hi,
                                                                base, size)
        if not outgrown:
            return steps, stop, tapes, lo, hi, heads
        tapes, shift = _grow_ktape(tapes, base, size)
        for t in range(k):
            heads[t] += shift - base
        lo, hi, base, size = lo + shift - base, hi + shift - base, 0, 2 * size


@njit(**PARALLEL_JIT)
def run_batch(next_state, write, move, m, k, undefined_code, words, offsets, budget, max_cells, decide_steps,
              decide_warm, steps, stops, ones, reasons, cancel):
    """Run every word (words[offsets[j]:offsets[j+1]]) in parallel, filling steps/stops/ones/reasons.

    A run that exhausts its budget is re-run with the deciders (k > 1 tapes: cyclers alone) for
    min(budget, decide_steps) steps; reasons[j] is why it never halts (tm._decide), or NONE.
    After a cancel (cancel[0] != 0) the words not yet finished are left unfilled.
    """
    count = offsets.shape[0] - 1
    if k > 1:
        _run_batch_ktape(next_state, write, move, m, k, undefined_code, words, offsets, budget, max_cells,
                         decide_steps, decide_warm, steps, stops, ones, reasons, cancel)
        return
    write1 = np.ascontiguousarray(write[:, 0])
    move1 = np.ascontiguousarray(move[:, 0])
    for j in prange(count):
        if cancel[0] != 0:
            continue
        word = words[offsets[j] : offsets[j + 1]]
        s, stop, tape, _ = run_word_1tape(next_state, write1, move1, m, undefined_code, word, budget, max_cells,
                                          cancel)
        total = 0
        for c in range(tape.shape[0] if stop != TAPE_FULL else 0):
            if tape[c] != 0:
                total += 1
        reasons[j] = NONE
        if stop >= 0 and decide_steps > 0:
            reasons[j] = decide_word(next_state, write1, move1, m, word, min(budget, decide_steps), decide_warm)[3]
        steps[j] = s
        stops[j] = stop
        ones[j] = total


@njit(**PARALLEL_JIT)
def _run_batch_ktape(next_state, write, move, m, k, undefined_code, words, offsets, budget, max_cells, decide_steps,
                     decide_warm, steps, stops, ones, reasons, cancel):
    # run_batch for k > 1 tapes, in chunks of BATCH_CHUNK words.
    count = offsets.shape[0] - 1
    longest = 0
    for j in range(count):
        longest = max(longest, offsets[j + 1] - offsets[j])
    # Room for the first doublings of the longest word's tapes (see EDGE), within the tape limit.
    width = max(min(8 * (2 * longest + 64), max_cells), 2 * longest + 64)
    for c in prange((count + BATCH_CHUNK - 1) // BATCH_CHUNK):
        _run_chunk_ktape(next_state, write, move, m, k, undefined_code, words, offsets, budget, max_cells, decide_steps,
                         decide_warm, steps, stops, ones, reasons, cancel, c * BATCH_CHUNK,
                         min(count, (c + 1) * BATCH_CHUNK), width)


@njit(**JIT)
def _run_chunk_ktape(next_state, write, move, m, k, undefined_code, words, offsets, budget, max_cells, decide_steps,
                     decide_warm, steps, stops, ones, reasons, cancel, first, last, width):
    # Words first..last-1 of a k-tape batch on one array of tapes, widened when a run needs it.
    tapes = np.zeros((k, width), dtype=np.uint8)
    heads = np.empty(k, dtype=np.int64)
    j, resume, s, state, lo, hi, base, size = first, False, 0, 0, 0, 0, 0, 0
    while True:
        j, s, state, lo, hi, base, size = _run_words_ktape(
            next_state, write, move, m, k, undefined_code, words, offsets, budget, max_cells, decide_steps,
            decide_warm, steps, stops, ones, reasons, cancel, tapes, heads, j, last, resume, s, state, lo, hi, base,
            size)
        if j >= last:
            return
        tapes, shift = _grow_ktape(tapes, base, size)  # as in run_word_ktape
        for t in range(k):
            heads[t] += shift - base
        lo, hi, base, size, resume = lo + shift - base, hi + shift - base, 0, 2 * size, True


@njit(**JIT)
def _run_words_ktape(next_state, write, move, m, k, undefined_code, words, offsets, budget, max_cells, decide_steps,
                     decide_warm, steps, stops, ones, reasons, cancel, tapes, heads, j, last, resume, s, state, lo, hi,
                     base, size):
    # Run words j..last-1 one after another on `tapes`, blanking the cells a run visited before
    # the next, until one outgrows the array: return (its index, and its run's s, state, lo, hi,
    # base, size) for the caller to widen the array and resume it, or (last, ...) when all ran.
    # The array is never replaced here, so a short run costs no allocation and no reference
    # counting.
    while j < last:
        if cancel[0] != 0:
            return last, s, state, lo, hi, base, size
        if not resume:
            lo, hi, base, size = _place_ktape(tapes, heads, words, offsets[j], offsets[j + 1])
            s, state = 0, 0
        resume = False
        s, stop, lo, hi, base, size, outgrown = _step_ktape(next_state, write, move, m, undefined_code, budget,
                                                            max_cells, cancel, tapes, heads, state, s, lo, hi, base,
                                                            size)
        if outgrown:
            return j, s, stop, lo, hi, base, size
        # Cells counted and blanked with unsigned indices: no negative-index wrapping, so the
        # loops vectorise.
        total = 0
        for cell in range(np.uint64(lo), np.uint64(hi + 1 if stop != TAPE_FULL else lo)):
            total += tapes[0, cell] != 0
        for t in range(k):  # every cell the run wrote lies in lo..hi
            for cell in range(np.uint64(lo), np.uint64(hi + 1)):
                tapes[t, cell] = 0
        reasons[j] = NONE
        if stop >= 0 and decide_steps > 0:
            reasons[j] = decide_word_ktape(next_state, write, move, m, k, words[offsets[j] : offsets[j + 1]],
                                           min(budget, decide_steps), decide_warm)[3]
        steps[j] = s
        stops[j] = stop
        ones[j] = total
        j += 1
    return j, s, state, lo, hi, base, size
