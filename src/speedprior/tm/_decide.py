"""Compiled non-halting deciders for 1-tape machines: cyclers and translated cyclers.

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
