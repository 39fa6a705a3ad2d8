"""Slow, obviously correct twins of the compiled kernels, for comparison in tests."""

from speedprior.tm.machine import ACCEPT, HALT, REJECT, UNDEFINED


def simulate(machine, word, budget):
    """Step a TuringMachine on a list of symbol indices with dict tapes.

    Returns (steps, stop, tape1) where stop is HALT/ACCEPT/REJECT, or None if the budget ran
    out, and tape1 maps position -> symbol for every non-blank cell of tape 1.
    """
    k, m = machine.n_tapes, machine.n_symbols
    tapes = [dict() for _ in range(k)]
    for i, s in enumerate(word):
        if s:
            tapes[0][i] = int(s)
    heads = [0] * k
    state, steps = 0, 0
    while steps < budget:
        read = sum(tapes[t].get(heads[t], 0) * m**t for t in range(k))
        target = int(machine.next_state[state, read])
        steps += 1
        if target == UNDEFINED:
            return steps, (HALT if machine.undefined == "halt" else REJECT), _clean(tapes[0])
        for t in range(k):
            tapes[t][heads[t]] = int(machine.write[state, read, t])
            heads[t] += int(machine.move[state, read, t])
        if target < 0:
            return steps, target, _clean(tapes[0])
        state = target
    return steps, None, _clean(tapes[0])


def _clean(tape):
    return {p: s for p, s in tape.items() if s}


def verdict(stop):
    """True for accept, False for reject, None otherwise."""
    return {ACCEPT: True, REJECT: False}.get(stop)
