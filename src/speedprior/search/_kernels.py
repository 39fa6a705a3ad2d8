"""Compiled kernels for tree-normal-form (TNF) enumeration of 1-tape machines.

Tables are flat: entry t = state * m + read. A partial machine has UNDEFINED entries; the
TNF tree branches where a run first reaches one. Child order at a branch (shared with the
pure-Python reference in `enumerate.py`): the stop children first (one per stop code, each
writing 1 and moving right), then every (write, move, target) with write slowest, move L
before R, and target fastest over the states already used plus the first unused one.

The blank-tape kernel keeps one tape snapshot per tree level, so a child resumes from the
configuration where its parent stopped instead of re-running from the blank tape.
"""

import numpy as np
from numba import njit, prange

from speedprior._numba import JIT, PARALLEL_JIT
from speedprior.tm import _decide
from speedprior.tm._decide import BUDGET_OUT, DECIDED, STOPPED

# The one stepping loop (tm/_decide.py), compiled into each caller here rather than called:
# passing arrays across a call costs more than most runs of a search, which are a few steps long.
INLINE = dict(JIT, inline="always")
simulate = njit(**INLINE)(_decide.simulate.py_func)

HALT, UNDEFINED = -1, -4
PRUNED = -2  # probe_words: no completion of this partial machine gives the expected verdicts
DECIDE_WARM = 8  # steps a run takes before the deciders start watching it (most runs are shorter)
BLOCK = 256  # machines a grading thread takes at once, with one scratch tape (one per machine costs more than a run)
STATS = 6  # machines, halted, max_steps, max_ones, nonhalting (decided), undecided (budget exhausted)


@njit(**INLINE)
def _simulate(ns, wr, mv, m, tape, head, state, steps, ones, lo, hi, budget):
    """A plain run (no deciders) from a configuration: (t, head, state, steps, ones, lo, hi), as `simulate`."""
    t, head, state, steps, ones, lo, hi, _ = simulate(ns, wr, mv, m, tape, head, state, steps, ones, lo, hi, budget,
                                                      -1, tape, tape, tape)
    return t, head, state, steps, ones, lo, hi


@njit(**JIT)
def probe_blank(ns, wr, mv, m, budget):
    """Run a partial machine from the blank tape: (t, steps, ones, tape-cell-read-is-blank)."""
    tape = np.zeros(2 * budget + 3, dtype=np.uint8)
    c = budget + 1
    t, head, state, steps, ones, lo, hi = _simulate(ns, wr, mv, m, tape, c, 0, 0, 0, c, c, budget)
    return t, steps, ones, tape[head] == 0


@njit(**JIT)
def _record(tab_ns, tab_wr, tab_mv, ns, wr, mv, t, code):
    # Copy a machine into a result slot; t >= 0 marks the stop transition to write there.
    tab_ns[:] = ns
    tab_wr[:] = wr
    tab_mv[:] = mv
    if t >= 0:
        tab_ns[t] = code
        tab_wr[t] = 1
        tab_mv[t] = 1


@njit(**JIT)
def subtree_blank(ns0, wr0, mv0, used0, symbols0, undefined0, resume0, n, m, budget, stats, best_steps, best_ones,
                  warm=DECIDE_WARM):
    """Depth-first search of the TNF-1RB subtree below one partial machine, on the blank tape.

    The tree is bbchallenge's: at the last undefined transition the only child is the halt, and
    a transition may write a symbol only if every smaller one was written before (symbols0:
    how many are in use, blank included), as states are used in order (used0). undefined0 is
    the number of undefined transitions of the partial machine. A leaf halted, was decided
    non-halting (cycler or translated cycler), or ran out of budget.
    stats[:] = (machines, halted, max_steps, max_ones, nonhalting, undecided); best_steps and
    best_ones (3, n*m) receive the first machine in DFS order reaching each maximum. `warm` is
    as `simulate`'s: < 0 turns the deciders off (every non-halting leaf runs out of budget).
    resume0 is the step at which the partial machine's parent reached the transition it fills
    (0 for the root): the deciders watch every run from the step where the walk from the root
    resumes it, so the verdicts do not depend on where the tree was cut into subtrees.
    """
    ns, wr, mv = ns0.copy(), wr0.copy(), mv0.copy()
    depth = n * m + 1
    width = 2 * budget + 3
    tapes = np.zeros((depth, width), dtype=np.uint8)
    saved = np.zeros(width, dtype=np.uint8)
    right = np.zeros(width, dtype=np.uint8)
    left = np.zeros(width, dtype=np.uint8)
    head = np.zeros(depth, np.int64)
    state = np.zeros(depth, np.int64)
    steps = np.zeros(depth, np.int64)
    ones = np.zeros(depth, np.int64)
    lo = np.zeros(depth, np.int64)
    hi = np.zeros(depth, np.int64)
    dirty_lo = np.full(depth, width, np.int64)
    dirty_hi = np.full(depth, -1, np.int64)
    trans = np.zeros(depth, np.int64)
    child = np.zeros(depth, np.int64)
    nchild = np.zeros(depth, np.int64)
    used = np.zeros(depth, np.int64)
    written = np.zeros(depth, np.int64)
    machines, halted, max_steps, max_ones, nonhalting, undecided = 0, 0, -1, -1, 0, 0

    c = budget + 1
    t, h, s, st, on, l, r = BUDGET_OUT, c, 0, 0, 0, c, c
    if resume0 > 0:  # the ancestors' runs, replayed without the deciders
        t, h, s, st, on, l, r, _ = simulate(ns, wr, mv, m, tapes[0], c, 0, 0, 0, c, c, min(resume0, budget), -1,
                                            saved, right, left)
    if t == BUDGET_OUT:
        t, h, s, st, on, l, r, _ = simulate(ns, wr, mv, m, tapes[0], h, s, st, on, l, r, budget, warm,
                                            saved, right, left)
    if t < 0:  # the root is itself a leaf: it stopped, was decided, or ran out of budget
        machines = 1
        if t == STOPPED:
            halted, max_steps, max_ones = 1, st, on
            _record(best_steps[0], best_steps[1], best_steps[2], ns, wr, mv, -1, 0)
            _record(best_ones[0], best_ones[1], best_ones[2], ns, wr, mv, -1, 0)
        elif t == DECIDED:
            nonhalting = 1
        else:
            undecided = 1
        stats[0], stats[1], stats[2], stats[3], stats[4], stats[5] = (machines, halted, max_steps, max_ones,
                                                                      nonhalting, undecided)
        return
    d = 0
    trans[0], head[0], state[0], steps[0], ones[0], lo[0], hi[0] = t, h, s, st, on, l, r
    used[0], written[0] = used0, symbols0
    nchild[0] = 1 if undefined0 == 1 else 1 + 2 * min(symbols0 + 1, m) * min(used0 + 1, n)
    while d >= 0:
        if child[d] == nchild[d]:
            ns[trans[d]] = UNDEFINED
            d -= 1
            continue
        k = child[d]
        child[d] += 1
        ti = trans[d]
        if k == 0:  # the halting child: one more step, writing 1
            machines += 1
            halted += 1
            st = steps[d] + 1
            on = ones[d] + (1 if tapes[d, head[d]] == 0 else 0)
            if st > max_steps:
                max_steps = st
                _record(best_steps[0], best_steps[1], best_steps[2], ns, wr, mv, ti, HALT)
            if on > max_ones:
                max_ones = on
                _record(best_ones[0], best_ones[1], best_ones[2], ns, wr, mv, ti, HALT)
            continue
        k -= 1
        targets = min(used[d] + 1, n)
        target = k % targets
        k //= targets
        ns[ti] = target
        mv[ti] = -1 if k % 2 == 0 else 1
        wr[ti] = k // 2
        e = d + 1
        # Wipe what the previous sibling left on this level's tape, then copy the parent's cells.
        if dirty_hi[e] >= dirty_lo[e]:
            tapes[e, dirty_lo[e] : dirty_hi[e] + 1] = 0
        tapes[e, lo[d] : hi[d] + 1] = tapes[d, lo[d] : hi[d] + 1]
        t, h, s, st, on, l, r, _ = simulate(ns, wr, mv, m, tapes[e], head[d], state[d], steps[d], ones[d],
                                            lo[d], hi[d], budget, warm, saved, right, left)
        dirty_lo[e], dirty_hi[e] = l, r
        if t < 0:  # a leaf: decided non-halting or out of budget (no halting transition is defined)
            machines += 1
            if t == DECIDED:
                nonhalting += 1
            else:
                undecided += 1
            continue
        trans[e], head[e], state[e], steps[e], ones[e], lo[e], hi[e] = t, h, s, st, on, l, r
        used[e] = max(used[d], target + 1)
        written[e] = max(written[d], k // 2 + 1)
        nchild[e] = 1 if undefined0 - e == 1 else 1 + 2 * min(written[e] + 1, m) * min(used[e] + 1, n)
        child[e] = 0
        d = e
    stats[0], stats[1], stats[2], stats[3], stats[4], stats[5] = (machines, halted, max_steps, max_ones,
                                                                  nonhalting, undecided)


@njit(**PARALLEL_JIT)
def frontier_blank(ns, wr, mv, used, written, undefined, resume, n, m, budget, stats, best_steps, best_ones,
                   warm=DECIDE_WARM):
    """Search every frontier subtree in parallel (row i of each array is one partial machine)."""
    for i in prange(ns.shape[0]):
        subtree_blank(ns[i], wr[i], mv[i], used[i], written[i], undefined[i], resume[i], n, m, budget, stats[i],
                      best_steps[i], best_ones[i], warm)


@njit(**JIT)
def _scratch(words, offsets, budget):
    # One zeroed tape wide enough for any word with `budget` moves either way; runs wipe what they touch.
    longest = 0
    for j in range(offsets.shape[0] - 1):
        longest = max(longest, offsets[j + 1] - offsets[j])
    return np.zeros(2 * budget + longest + 3, dtype=np.uint8)


@njit(**INLINE)
def _load(tape, words, a, b, budget):
    start = budget + 1
    for x in range(b - a):
        tape[start + x] = words[a + x]
    return start


@njit(**INLINE)
def probe_words(ns, wr, mv, m, words, offsets, budget, expected, tape):
    """Run each word in turn from `tape`; return the first undefined transition reached, or -1.

    expected[j] (1 accept, 0 reject) for the first len(expected) words asks for pruning: when
    one of them stops with the other verdict, or runs out of budget, without reaching an
    undefined transition (so no completion of the machine can change that run), return PRUNED.
    `tape` is a zeroed scratch tape (see `_scratch`), left zeroed: one serves a whole walk.
    """
    first = -1
    for j in range(offsets.shape[0] - 1):
        if first >= 0 and j >= expected.shape[0]:
            break
        start = _load(tape, words, offsets[j], offsets[j + 1], budget)
        hi0 = start + max(offsets[j + 1] - offsets[j], 1) - 1
        t, _, state, _, _, lo, hi = _simulate(ns, wr, mv, m, tape, start, 0, 0, 0, start, hi0, budget)
        for x in range(lo, hi + 1):
            tape[x] = 0
        if t >= 0:
            if first < 0:
                first = t
        elif j < expected.shape[0] and not (t == STOPPED and (state == -2) == (expected[j] == 1) and state < -1):
            return PRUNED
    return first


@njit(**INLINE)
def _run_word(ns, wr, mv, m, undefined_code, words, a, b, limit, tape):
    # One run on the zeroed scratch tape (see _scratch); an undefined transition is one more
    # (stopping) step. Returns (steps, state, head, lo, hi): the caller grades, then wipes lo..hi.
    start = _load(tape, words, a, b, limit)
    hi0 = start + max(b - a, 1) - 1
    t, head, state, steps, _, lo, hi = _simulate(ns, wr, mv, m, tape, start, 0, 0, 0, start, hi0, limit)
    if t >= 0:
        steps += 1
        state = undefined_code
    return steps, state, head, lo, hi


@njit(**INLINE)
def _correct(state, tape, head, verdict, outputs, c, d):
    # A decider must stop in accept (-2) or reject (-3); a function's output runs from the head to a blank.
    if state >= 0:
        return False
    if verdict == 1:
        return state == -2
    if verdict == 0:
        return state == -3
    if head + (d - c) >= tape.shape[0] or tape[head + (d - c)] != 0:
        return False
    for i in range(d - c):
        if tape[head + i] != outputs[c + i]:
            return False
    return True


@njit(**INLINE)
def _grade_words(ns, wr, mv, m, undefined_code, words, offsets, budget, verdicts, outputs, out_offsets,
                 steps, stops, correct, tape):
    # Every word on the zeroed scratch tape (see _scratch), which is left zeroed.
    for j in range(offsets.shape[0] - 1):
        st, state, head, lo, hi = _run_word(ns, wr, mv, m, undefined_code, words, offsets[j], offsets[j + 1], budget,
                                            tape)
        steps[j] = st
        stops[j] = state
        correct[j] = _correct(state, tape, head, verdicts[j], outputs, out_offsets[j], out_offsets[j + 1])
        for x in range(lo, hi + 1):
            tape[x] = 0


@njit(**JIT)
def eval_words(ns, wr, mv, m, undefined_code, words, offsets, budget, verdicts, outputs, out_offsets,
               steps, stops, correct):
    """Run each word serially and grade it (one machine, many short runs: no thread start-up).

    verdicts[j] is 1/0 for a decider's accept/reject, or -1 for a function, whose output
    outputs[out_offsets[j]:out_offsets[j+1]] must sit from the head up to the first blank.
    Fills steps, stops (stop code, or the state when the budget ran out) and correct.
    """
    _grade_words(ns, wr, mv, m, undefined_code, words, offsets, budget, verdicts, outputs, out_offsets, steps, stops,
                 correct, _scratch(words, offsets, budget))


@njit(**PARALLEL_JIT)
def grade_tables(ns, wr, mv, m, undefined, words, offsets, budget, verdicts, outputs, out_offsets,
                 steps, stops, correct):
    """`eval_words` for many machines (row i of ns/wr/mv, stop code undefined[i]) in parallel."""
    count = ns.shape[0]
    for b in prange((count + BLOCK - 1) // BLOCK):
        tape = _scratch(words, offsets, budget)
        for i in range(b * BLOCK, min(count, (b + 1) * BLOCK)):
            _grade_words(ns[i], wr[i], mv[i], m, undefined[i], words, offsets, budget, verdicts, outputs, out_offsets,
                         steps[i], stops[i], correct[i], tape)


@njit(**INLINE)
def _verdict(ns, wr, mv, m, undefined_code, words, offsets, budget, verdicts, outputs, out_offsets, cap, tape):
    # (cost, result) of one machine, as verdict_tables; the tape is left zeroed.
    total = 0
    for j in range(offsets.shape[0] - 1):
        limit = min(budget, cap - total)
        if limit <= 0:
            return cap + 1, -1
        st, state, head, lo, hi = _run_word(ns, wr, mv, m, undefined_code, words, offsets[j], offsets[j + 1], limit,
                                            tape)
        ok = state < 0 and _correct(state, tape, head, verdicts[j], outputs, out_offsets[j], out_offsets[j + 1])
        for x in range(lo, hi + 1):
            tape[x] = 0
        if state >= 0:
            return cap + 1, -1
        total += st
        if not ok:
            return total, 0
    return total, 1


@njit(**PARALLEL_JIT)
def verdict_tables(ns, wr, mv, m, undefined, words, offsets, budget, verdicts, outputs, out_offsets, caps,
                   costs, results):
    """Cost to a verdict for many machines: run the examples in order until one fails or all pass.

    results[i] is 1 (solved, costs[i] steps), 0 (failed after costs[i] steps) or -1 (more than
    caps[i] steps needed, or a run past `budget` steps: costs[i] = caps[i] + 1).
    """
    count = ns.shape[0]
    for b in prange((count + BLOCK - 1) // BLOCK):
        first, last = b * BLOCK, min(count, (b + 1) * BLOCK)
        tape = _scratch(words, offsets, min(budget, max(caps[first:last].max(), 0)))  # no run goes past its cap
        for i in range(first, last):
            costs[i], results[i] = _verdict(ns[i], wr[i], mv[i], m, undefined[i], words, offsets, budget, verdicts,
                                            outputs, out_offsets, caps[i], tape)


@njit(**JIT)
def stream_tables(ns, wr, mv, n, m, words, offsets, budget, expected, stop_code, stop_write, stop_move,
                  trans, child, nchild, used, ptr, out_ns, out_wr, out_mv):
    """Resume a depth-first walk of the TNF tree for `words`, writing up to len(out_ns) leaves.

    The walk's state lives in the arrays (ns/wr/mv: the partial machine; per level: the
    transition branched on, the next child, the child count, states used; ptr = [depth,
    started]), so successive calls stream the leaves. Returns how many leaves were written.
    `expected` prunes subtrees as in `probe_words` (empty: no pruning).
    """
    count, h = 0, stop_code.shape[0]
    tape = _scratch(words, offsets, budget)
    if ptr[1] == 0:
        ptr[1] = 1
        t = probe_words(ns, wr, mv, m, words, offsets, budget, expected, tape)
        if t < 0:
            ptr[0] = -1
            if t == PRUNED:
                return 0
            out_ns[0], out_wr[0], out_mv[0] = ns, wr, mv
            return 1
        ptr[0] = 0
        trans[0], child[0], nchild[0] = t, 0, h + 2 * m * min(used[0] + 1, n)
    d = ptr[0]
    while d >= 0 and count < out_ns.shape[0]:
        if child[d] == nchild[d]:
            ns[trans[d]] = UNDEFINED
            d -= 1
            continue
        k = child[d]
        child[d] += 1
        ti = trans[d]
        if k < h:
            ns[ti], wr[ti], mv[ti] = stop_code[k], stop_write[k], stop_move[k]
            now_used = used[d]
        else:
            k -= h
            targets = min(used[d] + 1, n)
            target = k % targets
            k //= targets
            ns[ti], wr[ti], mv[ti] = target, k // 2, -1 if k % 2 == 0 else 1
            now_used = max(used[d], target + 1)
        t = probe_words(ns, wr, mv, m, words, offsets, budget, expected, tape)
        if t == PRUNED:
            continue
        if t < 0:
            out_ns[count], out_wr[count], out_mv[count] = ns, wr, mv
            count += 1
            continue
        d += 1
        trans[d], child[d], used[d] = t, 0, now_used
        nchild[d] = h + 2 * m * min(now_used + 1, n)
    ptr[0] = d
    return count
