"""Compiled non-halting deciders: cyclers and translated cyclers (1 tape), cyclers (k tapes).

The two classes of bbchallenge's and Coq-BB5's "Loops" decider, found while the machine runs:

- A *cycler* returns to an earlier configuration (state, head, tape). Only the cells the head
  visits between the two times can change, so the tapes need only agree there; the run then
  repeats forever.
- A *translated cycler* reaches a record (a cell never visited before, so the tape beyond it
  is blank) at times t1 < t2 on the same side, in the same state, and the L cells behind the
  head agree at both times, where L is how far the head fell back behind the t1 record before
  t2. The run from t2 then replays the run from t1 shifted, forever.

Both are proofs: a machine decided here never halts and never reaches an undefined transition.
The search is organised in epochs that double in length, starting `warm` steps after the
start: at each epoch's start the configuration is saved (cyclers) and the next record on each
side is saved (translated cyclers); every later configuration of the epoch is compared with
them. The cycler test is O(1) a step (a running count of cells that differ from the saved
tape); a window is compared only at a record in the saved record's state. A loop that starts
by step s with period p is therefore found within about 2·(s + p) + warm steps.

Machines of k > 1 tapes get the cycler test alone (`simulate_ktape`): the configuration is the
state, every head and every tape, and the running count of differing cells runs over all tapes.
A translated cycler of k tapes would need every head's records and windows to line up at once;
such runs are reported as out of budget.
"""

import numpy as np
from numba import njit

from speedprior._numba import JIT

UNDEFINED = -4
BUDGET_OUT, STOPPED, DECIDED = -1, -2, -3  # `simulate`'s answers when no undefined transition is reached
NONE, CYCLER, TRANSLATED_CYCLER = 0, 1, 2  # reasons a run was decided non-halting
REASONS = {CYCLER: "cycler", TRANSLATED_CYCLER: "translated-cycler"}


@njit(**JIT)
def _same_window(saved, at, tape, head, depth, step):
    # saved[at - step*i] == tape[head - step*i] for i in 0..depth (step +1: the window lies to the left).
    for i in range(depth + 1):
        if saved[at - step * i] != tape[head - step * i]:
            return False
    return True


@njit(**JIT)
def simulate(ns, wr, mv, m, tape, head, state, steps, ones, lo, hi, budget, warm, saved, right, left):
    """Run from a configuration until an undefined transition, a stop, a decision, or the budget.

    Returns (t, head, state, steps, ones, lo, hi, reason): t is the undefined transition reached,
    or BUDGET_OUT, STOPPED (then `state` is the stop code and the stop step is counted) or
    DECIDED (then `reason` is CYCLER or TRANSLATED_CYCLER and `steps` the step it was proved at).
    lo..hi is the range of cells visited (input included). The tape must be wide enough for
    `budget - steps` moves either way; saved/right/left are zeroed arrays of the tape's width,
    used as scratch and left zeroed. `warm` < 0 turns the deciders off (a plain run).
    """
    reason = NONE
    t = BUDGET_OUT
    start = steps
    epoch_end = budget if warm < 0 else min(budget, steps + warm)
    checking = False
    ref_state, ref_head, differ = -1, 0, 0
    right_set, right_state, right_head, right_low = False, 0, 0, 0
    left_set, left_state, left_head, left_high = False, 0, 0, 0
    while True:
        while steps < epoch_end:
            read = tape[np.uint64(head)]  # heads and entries are never negative: no wraparound test
            i = state * m + read
            nxt = ns[np.uint64(i)]
            if nxt == UNDEFINED:
                t = i
                break
            new = wr[np.uint64(i)]
            ones += (new != 0) - (read != 0)
            if checking:
                was = saved[np.uint64(head)]
                differ += (new != was) - (read != was)
            tape[np.uint64(head)] = new
            head += mv[np.uint64(i)]
            steps += 1
            if nxt < 0:
                state = nxt
                t = STOPPED
                if head < lo:
                    lo = head
                elif head > hi:
                    hi = head
                break
            state = nxt
            if head > hi:
                hi = head
                if checking:
                    if right_set:
                        if state == right_state and _same_window(right, right_head, tape, head,
                                                                 right_head - right_low, 1):
                            t, reason = DECIDED, TRANSLATED_CYCLER
                            break
                    else:
                        right[lo : hi + 1] = tape[lo : hi + 1]
                        right_set, right_state, right_head, right_low = True, state, head, head
            elif head < lo:
                lo = head
                if checking:
                    if left_set:
                        if state == left_state and _same_window(left, left_head, tape, head,
                                                                left_high - left_head, -1):
                            t, reason = DECIDED, TRANSLATED_CYCLER
                            break
                    else:
                        left[lo : hi + 1] = tape[lo : hi + 1]
                        left_set, left_state, left_head, left_high = True, state, head, head
            if checking:
                if head < right_low:
                    right_low = head
                if head > left_high:
                    left_high = head
                if differ == 0 and state == ref_state and head == ref_head:
                    t, reason = DECIDED, CYCLER
                    break
        if t != BUDGET_OUT or steps >= budget:
            break
        # A new epoch: save this configuration, forget the saved records.
        checking = True
        saved[lo : hi + 1] = tape[lo : hi + 1]
        ref_state, ref_head, differ = state, head, 0
        right_set = left_set = False
        right_low, left_high = head, head
        epoch_end = min(budget, steps + max(steps - start, 1))
    if checking:  # every copy lay within lo..hi, which only grows
        saved[lo : hi + 1] = 0
        right[lo : hi + 1] = 0
        left[lo : hi + 1] = 0
    return t, head, state, steps, ones, lo, hi, reason


@njit(**JIT)
def decide_word(ns, wr, mv, m, word, budget, warm):
    """Run a 1-tape machine on `word` (flat tables) with the deciders on.

    Returns (t, state, steps, reason, tape, head, lo, hi), as `simulate` on a fresh tape.
    """
    n = word.shape[0]
    width = 2 * budget + n + 3
    tape = np.zeros(width, dtype=np.uint8)
    saved = np.zeros(width, dtype=np.uint8)
    right = np.zeros(width, dtype=np.uint8)
    left = np.zeros(width, dtype=np.uint8)
    start = budget + 1
    tape[start : start + n] = word
    ones = 0
    for c in range(n):
        if word[c] != 0:
            ones += 1
    t, head, state, steps, ones, lo, hi, reason = simulate(ns, wr, mv, m, tape, start, 0, 0, ones, start,
                                                           start + max(n, 1) - 1, budget, warm, saved, right, left)
    return t, state, steps, reason, tape, head, lo, hi


@njit(inline="always", **JIT)
def simulate_ktape(ns, wr, mv, m, tapes, heads, state, steps, lo, hi, budget, warm, saved, saved_heads):
    """The k-tape stepping loop: `simulate` for k tapes, with the cycler test alone.

    tapes is (k, width) uint8, heads (k,) int64 and both are updated in place; ns, wr, mv are
    the flat tables (entry = state * m**k + sum over t of symbol_t * m**t; wr and mv (entries, k)).
    Returns (t, state, steps, lo, hi, reason) as `simulate` does, lo..hi the range of cells
    visited by any head. Every head must have room for `budget - steps` moves either way;
    saved (zeroed, of the tapes' shape; left zeroed) and saved_heads (of the heads' shape) are
    scratch for the saved configuration; `warm` < 0: a plain run, which does not touch them.
    Inlined into its callers, so that a batch of short runs pays no call for each.
    """
    k = tapes.shape[0]
    reads = 1
    for _ in range(k):
        reads *= m
    reason = NONE
    t = BUDGET_OUT
    start = steps
    epoch_end = budget if warm < 0 else min(budget, steps + warm)
    checking = False
    ref_state, differ = -1, 0
    while True:
        while steps < epoch_end:
            read = 0
            for tp in range(k - 1, -1, -1):
                read = read * m + tapes[tp, heads[tp]]
            i = state * reads + read
            nxt = ns[i]
            if nxt == UNDEFINED:
                t = i
                break
            if checking:
                for tp in range(k):
                    head = heads[tp]
                    was = saved[tp, head]
                    differ += (wr[i, tp] != was) - (tapes[tp, head] != was)
            for tp in range(k):
                head = heads[tp]
                tapes[tp, head] = wr[i, tp]
                head += mv[i, tp]
                heads[tp] = head
                lo = min(lo, head)
                hi = max(hi, head)
            steps += 1
            if nxt < 0:
                state = nxt
                t = STOPPED
                break
            state = nxt
            if checking and differ == 0 and state == ref_state:
                same = True
                for tp in range(k):
                    if heads[tp] != saved_heads[tp]:
                        same = False
                if same:
                    t, reason = DECIDED, CYCLER
                    break
        if t != BUDGET_OUT or steps >= budget:
            break
        # A new epoch: save this configuration.
        checking = True
        for tp in range(k):  # loops, not slices: a view would cost every call reference counting
            saved_heads[tp] = heads[tp]
            for c in range(lo, hi + 1):
                saved[tp, c] = tapes[tp, c]
        ref_state, differ = state, 0
        epoch_end = min(budget, steps + max(steps - start, 1))
    if checking:  # every copy lay within lo..hi, which only grows
        for tp in range(k):
            for c in range(lo, hi + 1):
                saved[tp, c] = 0
    return t, state, steps, lo, hi, reason


@njit(**JIT)
def decide_word_ktape(ns, wr, mv, m, k, word, budget, warm):
    """Run a k-tape machine on `word` (on tape 0, flat tables) with the cycler test on.

    Returns (t, state, steps, reason, tapes, heads, lo, hi), as `simulate_ktape` on fresh tapes.
    """
    n = word.shape[0]
    width = 2 * budget + n + 3
    tapes = np.zeros((k, width), dtype=np.uint8)
    saved = np.zeros((k, width), dtype=np.uint8)
    start = budget + 1
    tapes[0, start : start + n] = word
    heads = np.full(k, start, dtype=np.int64)
    t, state, steps, lo, hi, reason = simulate_ktape(ns, wr, mv, m, tapes, heads, 0, 0, start, start + max(n, 1) - 1,
                                                     budget, warm, saved, np.empty(k, dtype=np.int64))
    return t, state, steps, reason, tapes, heads, lo, hi
