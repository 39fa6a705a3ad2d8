"""Programs of a search space: a machine with its description length, and its program string.

A search `Program` is a Turing machine, its description length in the one prefix code of
`speedprior.tm.description`, and its position in the space's enumeration. It satisfies the
`speedprior.programs.Program` protocol (`name`, `description_bits`, `evaluate`).

Programs print in the Standard TM format extended for deciders: a transition `1R+` accepts
and `1R-` rejects (`1RZ` halts, `---` is undefined); the write is the symbol's index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from speedprior.errors import ParseError
from speedprior.priors import Candidate
from speedprior.programs import DEFAULT_BUDGET, Outcome, TMProgram, register_program_kind
from speedprior.tm.description import bits_rows, description_bits, used_states
from speedprior.tm.machine import ACCEPT, HALT, REJECT, UNDEFINED, TuringMachine

__all__ = ["Program", "bits_rows", "description_bits", "parse_program", "program_string", "used_states"]

_STOP_LETTERS = {HALT: "Z", ACCEPT: "+", REJECT: "-"}


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

    @property
    def description_bits(self) -> float:
        """Its description length (`bits`)."""
        return float(self.bits)

    def evaluate(self, inputs: Sequence[str], budget: int = DEFAULT_BUDGET) -> Outcome:
        """Run the machine on `inputs` within `budget` steps each (the Program protocol)."""
        return TMProgram(self.machine, self.name, budget).evaluate(inputs)

    def candidate(self, profile=None, **info) -> Candidate:
        """This program as a prior's Candidate (with a cost profile when given)."""
        return Candidate(self.name, profile, self.bits, self.machine, {**self.info, **info})


def _example() -> Program:
    machine = parse_program("1R+1RB_0L-0LA", undefined="reject")
    return Program(machine, description_bits(machine), 0)


register_program_kind("search", _example, ["", "1", "11", "111"])
