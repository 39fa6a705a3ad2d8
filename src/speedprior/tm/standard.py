"""The Standard TM Text Format for 1-tape machines, e.g. `1RB1LC_1RC1RB_1RD0LE_1LA1LD_1RZ0LA`.

One group per state (A, B, C, ...), separated by `_`; each group has one 3-character
transition per symbol: the symbol written (a digit), the move (L or R) and the next state
letter. `Z` or `H` is the halt state; `---` is an undefined transition, which halts.
"""

from __future__ import annotations

import re

import numpy as np

from speedprior.errors import ParseError
from speedprior.tm.machine import HALT, MOVE_LETTERS, UNDEFINED, TuringMachine

_TRANSITION = re.compile(r"^(?:([0-9])([LR])([A-Z])|---)$")


def parse_standard(text: str, name: str = "") -> TuringMachine:
    """Parse a Standard-format string into a 1-tape TuringMachine."""
    text = text.strip()
    groups = text.split("_")
    if not text or any(len(g) == 0 or len(g) % 3 for g in groups):
        raise ParseError(f"not a Standard TM string (groups of 3-character transitions): {text!r}")
    n_states, m = len(groups), len(groups[0]) // 3
    if any(len(g) != 3 * m for g in groups):
        raise ParseError(f"every state needs {m} transitions: {text!r}")
    if not 2 <= m <= 10:
        raise ParseError(f"Standard format supports 2 to 10 symbols, got {m}: {text!r}")
    next_state = np.full((n_states, m), UNDEFINED, dtype=np.int32)
    write = np.zeros((n_states, m, 1), dtype=np.uint8)
    move = np.zeros((n_states, m, 1), dtype=np.int8)
    for q, group in enumerate(groups):
        for s in range(m):
            chunk = group[3 * s : 3 * s + 3]
            match = _TRANSITION.match(chunk)
            if not match:
                raise ParseError(f"bad transition {chunk!r} in state {chr(65 + q)} of {text!r}")
            if chunk == "---":
                continue
            symbol, direction, target = match.groups()
            if int(symbol) >= m:
                raise ParseError(f"transition {chunk!r} writes symbol {symbol}, outside 0..{m - 1}")
            if target in "ZH":
                next_state[q, s] = HALT
            else:
                t = ord(target) - 65
                if t >= n_states:
                    raise ParseError(f"transition {chunk!r} goes to state {target}, which {text!r} lacks")
                next_state[q, s] = t
            write[q, s, 0] = int(symbol)
            move[q, s, 0] = 1 if direction == "R" else -1
    symbols = tuple(str(i) for i in range(m))
    return TuringMachine(next_state, write, move, symbols=symbols, name=name or text)


def to_standard(machine: TuringMachine) -> str:
    """Print a 1-tape machine over digit symbols in the Standard format."""
    if not machine.is_standard:
        raise ParseError("only 1-tape machines over symbols 0..m-1 have a Standard form")
    groups = []
    for q in range(machine.n_states):
        parts = []
        for s in range(machine.n_symbols):
            target = int(machine.next_state[q, s])
            if target == UNDEFINED:
                parts.append("---")
                continue
            move = int(machine.move[q, s, 0])
            if move == 0:
                raise ParseError("the Standard format has no stay (S) moves")
            letter = "Z" if target < 0 else chr(65 + target)
            if target < 0 and target != HALT:
                raise ParseError("the Standard format has no accept/reject states")
            parts.append(f"{machine.write[q, s, 0]}{MOVE_LETTERS[move]}{letter}")
        groups.append("".join(parts))
    return "_".join(groups)


def looks_standard(text: str) -> bool:
    """True if `text` has the shape of a Standard-format string."""
    return bool(re.fullmatch(r"(?:[0-9LRZHA-Y-]{3})+(?:_(?:[0-9LRZHA-Y-]{3})+)*", text.strip()))
