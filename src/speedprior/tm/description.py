"""The description length of a Turing machine: one prefix-free code, used everywhere.

A machine is coded within its class: the tape alphabet (m symbols), the number of tapes
(k), the moves allowed (L/R, or L/S/R when the machine ever stays) and the stop kinds (1 for
halting machines, 2 for deciders: accept and reject) are fixed by the space it comes from
and not coded. Its n used states (the start state and every transition target; TNF numbers
them 0..n-1) are:

    n            Elias gamma code: 2*floor(log2 n) + 1 bits
    per entry    of the n x m^k table: 1 bit "defined?"; if defined, 1 bit "stop?";
                 a stop costs log2(stop kinds) more bits, and a halt (stop kinds 1) also
                 k * (log2(m) + log2(moves)) bits for its writes and moves (a function's
                 output is on the tape); any other transition costs
                 k * (log2(m) + log2(moves)) + log2(n) bits (writes, moves, next state).

Machines with fewer states or fewer defined transitions are shorter, which is what Levin
search and the simplicity prior need. For a 1-tape L/R machine a transition is
log2(m) + 1 + log2(n) bits. `bits_rows` is the same code for many flat 1-tape L/R tables.
"""

from __future__ import annotations

import math

import numpy as np

from speedprior.tm.machine import ACCEPT, HALT, REJECT, UNDEFINED, TuringMachine


def used_states(machine: TuringMachine) -> int:
    """States the machine can reach: the start state and every transition target."""
    targets = machine.next_state[machine.next_state >= 0]
    return int(max(targets.max(initial=0) + 1, 1))


def infer_stop_kinds(machine: TuringMachine) -> int:
    """2 for a decider (accept/reject stops, or undefined transitions that reject), else 1."""
    ns = machine.next_state
    decider = machine.undefined == "reject" or bool(((ns == ACCEPT) | (ns == REJECT)).any())
    return 2 if decider else 1


def move_kinds(machine: TuringMachine) -> int:
    """3 when a coded move (of a transition to a state, or of a halt) ever stays put (L/S/R), else 2 (L/R)."""
    coded = (machine.next_state >= 0) | (machine.next_state == HALT)
    return 3 if bool((machine.move[coded] == 0).any()) else 2


def description_bits(machine: TuringMachine, stop_kinds: int | None = None) -> float:
    """Bits to describe `machine` in the code above (stop kinds inferred unless given)."""
    stops = infer_stop_kinds(machine) if stop_kinds is None else stop_kinds
    n, m, k = used_states(machine), machine.n_symbols, machine.n_tapes
    action = k * (math.log2(m) + math.log2(move_kinds(machine)))
    table = machine.next_state[:n]
    defined = table != UNDEFINED
    n_stops = int((defined & (table < 0)).sum())
    n_moves = int((defined & (table >= 0)).sum())
    bits = 2 * math.floor(math.log2(n)) + 1 + table.size + int(defined.sum())
    bits += n_stops * (math.log2(stops) if stops > 1 else action)
    bits += n_moves * (action + math.log2(n))
    return float(bits)


def bits_rows(ns: np.ndarray, states: int, m: int, stops: int) -> np.ndarray:
    """`description_bits` of many flat 1-tape L/R tables at once (row i: entry state * m + read)."""
    table = ns.reshape(len(ns), states, m)
    used = np.maximum(np.where(ns >= 0, ns, -1).max(axis=1, initial=-1) + 1, 1)
    live = (np.arange(states)[None, :] < used[:, None])[:, :, None]
    defined = (table != UNDEFINED) & live
    n_stops = (defined & (table < 0)).sum(axis=(1, 2))
    n_moves = (defined & (table >= 0)).sum(axis=(1, 2))
    stop_bits = math.log2(stops) if stops > 1 else math.log2(m) + 1
    return (2 * np.floor(np.log2(used)) + 1 + used * m + defined.sum(axis=(1, 2)) + n_stops * stop_bits
            + n_moves * (math.log2(m) + 1 + np.log2(used)))
