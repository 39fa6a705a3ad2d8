"""The Standard TM Text Format for 1-tape machines, e.g. `1RB1LC_1RC1RB_1RD0LE_1LA1LD_1RZ0LA`.

One group per state (A, B, C, ... up to Z: at most 26 states), separated by `_`; each group has
one 3-character transition per symbol: the symbol written (a digit), the move (L or R) and the
next state letter; `---` is an undefined transition, which halts. As agreed on bbchallenge.org
(July 2022), a defined halting transition names any letter at or beyond A+n for an n-state
machine: in a machine with 8 or more states `H` is the 8th state, not halt. The printer writes
halt as `Z`, so a machine with 26 states and a defined halting transition has no Standard form.
"""

from __future__ import annotations

import re

import numpy as np

from speedprior.errors import ParseError
from speedprior.tm.machine import HALT, MOVE_LETTERS, UNDEFINED, TuringMachine

MAX_STATES = 26  # one letter per state
MAX_SYMBOLS = 10  # one digit per symbol
_TRANSITION = re.compile(r"^(?:([0-9])([LR])([A-Z])|---)$")
_SHAPE = re.compile(r"(?:[0-9LRA-Z-]{3})+(?:_(?:[0-9LRA-Z-]{3})+)*")


def parse_standard(text: str, name: str = "") -> TuringMachine:
    """Parse a Standard-format string into a 1-tape TuringMachine."""
    text = text.strip()
    shown = text if len(text) <= 80 else text[:77] + "..."
    groups = text.split("_")
    if not text or any(len(g) == 0 or len(g) % 3 for g in groups):
        raise ParseError(f"not a Standard TM string (groups of 3-character transitions): {shown!r}")
    n_states, m = len(groups), len(groups[0]) // 3
    if n_states > MAX_STATES:
        raise ParseError(f"the Standard format names at most {MAX_STATES} states (A-Z), got {n_states}")
    if any(len(g) != 3 * m for g in groups):
        raise ParseError(f"every state needs {m} transitions: {shown!r}")
    if not 2 <= m <= MAX_SYMBOLS:
        raise ParseError(f"Standard format supports 2 to {MAX_SYMBOLS} symbols, got {m}: {shown!r}")
    next_state = np.full((n_states, m), UNDEFINED, dtype=np.int32)
    write = np.zeros((n_states, m, 1), dtype=np.uint8)
    move = np.zeros((n_states, m, 1), dtype=np.int8)
    for q, group in enumerate(groups):
        for s in range(m):
            chunk = group[3 * s : 3 * s + 3]
            match = _TRANSITION.match(chunk)
            if not match:
                raise ParseError(f"bad transition {chunk!r} in state {chr(65 + q)} of {shown!r}")
            if chunk == "---":
                continue
            symbol, direction, target = match.groups()
            if int(symbol) >= m:
                raise ParseError(f"transition {chunk!r} writes symbol {symbol}, outside 0..{m - 1}")
            t = ord(target) - ord("A")
            next_state[q, s] = t if t < n_states else HALT  # any letter past the last state halts
            write[q, s, 0] = int(symbol)
            move[q, s, 0] = 1 if direction == "R" else -1
    symbols = tuple(str(i) for i in range(m))
    return TuringMachine(next_state, write, move, symbols=symbols, name=name or text)


def standard_problem(machine: TuringMachine) -> str | None:
    """Why `machine` has no Standard form, or None when it has one."""
    if machine.n_tapes != 1 or machine.symbols != tuple(str(i) for i in range(machine.n_symbols)):
        return "only 1-tape machines over symbols 0..m-1 have a Standard form"
    if machine.n_symbols > MAX_SYMBOLS or machine.n_states > MAX_STATES:
        return f"the Standard format has at most {MAX_STATES} states and {MAX_SYMBOLS} symbols"
    defined = machine.next_state != UNDEFINED
    if np.any(machine.move[:, :, 0][defined] == 0):
        return "the Standard format has no stay (S) moves"
    if np.any((machine.next_state < 0) & defined & (machine.next_state != HALT)):
        return "the Standard format has no accept/reject states"
    if machine.n_states == MAX_STATES and np.any(machine.next_state == HALT):
        return "a 26-state machine has no letter left for halt (bbchallenge: halt is a letter beyond the last state)"
    return None


def to_standard(machine: TuringMachine) -> str:
    """Print a 1-tape machine over digit symbols in the Standard format (halt as `Z`)."""
    problem = standard_problem(machine)
    if problem:
        raise ParseError(problem)
    groups = []
    for q in range(machine.n_states):
        parts = []
        for s in range(machine.n_symbols):
            target = int(machine.next_state[q, s])
            if target == UNDEFINED:
                parts.append("---")
                continue
            letter = "Z" if target == HALT else chr(ord("A") + target)
            parts.append(f"{machine.write[q, s, 0]}{MOVE_LETTERS[int(machine.move[q, s, 0])]}{letter}")
        groups.append("".join(parts))
    return "_".join(groups)


def looks_standard(text: str) -> bool:
    """True if `text` has the shape of a Standard-format string."""
    return bool(_SHAPE.fullmatch(text.strip()))
