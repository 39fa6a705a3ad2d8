"""Programs: a machine with its description length, its program string, and the code behind both.

Description length (`description_bits`), a prefix-free code for a machine over a fixed tape
alphabet of m symbols whose n used states are numbered in TNF order:
    n            Elias gamma code: 2*floor(log2 n) + 1 bits
    per entry    of the n x m table: 1 bit "defined?"; if defined, 1 bit "stop?";
                 a stop costs log2(stop kinds) more bits, and a halt (stop kinds 1) also
                 log2(m) + 1 bits for its write and move (a function's output is on the tape);
                 any other transition costs log2(m) + 1 + log2(n) bits (write, move, next).
Stop kinds are 1 for halting machines and 2 (accept, reject) for deciders. Machines with
fewer states or fewer defined transitions are shorter, which is what Levin search needs.

Programs print in the Standard TM format extended for deciders: a transition `1R+` accepts
and `1R-` rejects (`1RZ` halts, `---` is undefined); the write is the symbol's index.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from speedprior.errors import ParseError
from speedprior.priors import Candidate
from speedprior.tm.machine import ACCEPT, HALT, REJECT, UNDEFINED, TuringMachine

_STOP_LETTERS = {HALT: "Z", ACCEPT: "+", REJECT: "-"}


def used_states(machine: TuringMachine) -> int:
    """States the machine can reach: the start state and every transition target (TNF numbers them 0..n-1)."""
    targets = machine.next_state[machine.next_state >= 0]
    return int(max(targets.max(initial=0) + 1, 1))


def description_bits(machine: TuringMachine, stop_kinds: int | None = None) -> float:
    """Bits to describe `machine` in the code above (stop_kinds inferred: 2 for deciders, else 1)."""
    ns = machine.next_state
    if stop_kinds is None:
        decider = machine.undefined == "reject" or bool(((ns == ACCEPT) | (ns == REJECT)).any())
        stop_kinds = 2 if decider else 1
    n, m = used_states(machine), machine.n_symbols
    table = ns[:n]
    defined = table != UNDEFINED
    stops = defined & (table < 0)
    moves = defined & (table >= 0)
    bits = 2 * math.floor(math.log2(n)) + 1
    bits += table.size + int(defined.sum())
    bits += int(stops.sum()) * (math.log2(stop_kinds) if stop_kinds > 1 else math.log2(m) + 1)
    bits += int(moves.sum()) * (math.log2(m) + 1 + math.log2(n))
    return float(bits)


def bits_rows(ns: np.ndarray, states: int, m: int, stop_kinds: int) -> np.ndarray:
    """`description_bits` for many flat tables at once (row i: entry state * m + read)."""
    table = ns.reshape(len(ns), states, m)
    used = np.maximum(np.where(ns >= 0, ns, -1).max(axis=1, initial=-1) + 1, 1)
    live = (np.arange(states)[None, :] < used[:, None])[:, :, None]
    defined = (table != UNDEFINED) & live
    stops = (defined & (table < 0)).sum(axis=(1, 2))
    moves = (defined & (table >= 0)).sum(axis=(1, 2))
    stop_bits = math.log2(stop_kinds) if stop_kinds > 1 else math.log2(m) + 1
    return (2 * np.floor(np.log2(used)) + 1 + used * m + defined.sum(axis=(1, 2)) + stops * stop_bits
            + moves * (math.log2(m) + 1 + np.log2(used)))


def program_string(machine: TuringMachine) -> str:
    """The extended Standard string of a 1-tape machine (any symbol characters, accept `+`, reject `-`)."""
    if machine.n_tapes != 1:
        raise ParseError("only 1-tape machines have a program string")
    groups = []
    for q in range(machine.n_states):
        parts = []
        for r in range(machine.n_symbols):
            target = int(machine.next_state[q, r])
            if target == UNDEFINED:
                parts.append("---")
                continue
            letter = _STOP_LETTERS[target] if target < 0 else chr(65 + target)
            move = {-1: "L", 0: "S", 1: "R"}[int(machine.move[q, r, 0])]
            parts.append(f"{machine.write[q, r, 0]}{move}{letter}")
        groups.append("".join(parts))
    return "_".join(groups)


def parse_program(text: str, symbols: str | Sequence[str] = "01", input_symbols: str | None = None,
                  undefined: str = "halt") -> TuringMachine:
    """Parse an extended Standard string (see `program_string`) over the given tape symbols."""
    groups = text.strip().split("_")
    m = len(symbols)
    if not text.strip() or any(len(g) != 3 * m for g in groups):
        raise ParseError(f"not a program string with {m} transitions per state: {text!r}")
    n = len(groups)
    ns = np.full((n, m), UNDEFINED, np.int32)
    wr = np.zeros((n, m, 1), np.uint8)
    mv = np.zeros((n, m, 1), np.int8)
    stops = {v: k for k, v in _STOP_LETTERS.items()} | {"H": HALT}
    for q, group in enumerate(groups):
        for r in range(m):
            chunk = group[3 * r : 3 * r + 3]
            if chunk == "---":
                continue
            w, move, target = chunk
            if not w.isdigit() or int(w) >= m or move not in "LRS":
                raise ParseError(f"bad transition {chunk!r} in {text!r}")
            if target in stops:
                ns[q, r] = stops[target]
            elif "A" <= target <= "Y" and ord(target) - 65 < n:
                ns[q, r] = ord(target) - 65
            else:
                raise ParseError(f"transition {chunk!r} goes to an unknown state in {text!r}")
            wr[q, r, 0], mv[q, r, 0] = int(w), {"L": -1, "S": 0, "R": 1}[move]
    return TuringMachine(ns, wr, mv, symbols=tuple(symbols), undefined=undefined,
                         input_symbols=None if input_symbols is None else tuple(input_symbols), name=text.strip())


@dataclass(frozen=True)
class Program:
    """A machine in a space: its position in the enumeration and its description length."""

    machine: TuringMachine
    bits: float
    index: int
    info: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The program string."""
        return program_string(self.machine)

    def candidate(self, profile=None, **info) -> Candidate:
        """This program as a prior's Candidate (with a cost profile when given)."""
        return Candidate(self.name, profile, self.bits, self.machine, {**self.info, **info})


