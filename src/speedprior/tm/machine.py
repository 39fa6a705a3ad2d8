"""The Turing machine: a deterministic k-tape, m-symbol transition table.

States are numbered 0..Q-1 (0 is the start state). A transition reads one symbol per tape and
gives the next state, one symbol to write per tape and one move per tape (L = -1, S = 0,
R = +1). Next-state codes below zero stop the machine: HALT (no verdict), ACCEPT, REJECT, and
UNDEFINED, a missing transition, which stops the machine with the verdict `undefined` names
("halt" or "reject"). Every stopping transition counts as a step; an undefined one writes
nothing and does not move. Symbol 0 is the blank; tapes are unbounded both ways.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from speedprior.errors import ParseError

HALT, ACCEPT, REJECT, UNDEFINED = -1, -2, -3, -4
STOP_NAMES = {"halt": HALT, "accept": ACCEPT, "reject": REJECT}
MOVES = {"L": -1, "S": 0, "N": 0, "R": 1}
MOVE_LETTERS = {-1: "L", 0: "S", 1: "R"}


@dataclass(frozen=True, eq=False)
class TuringMachine:
    """A deterministic multi-tape Turing machine given by dense transition tables.

    next_state[q, r] : int    next state or a stop code, for state q reading r
    write[q, r, t]   : uint8  symbol written on tape t
    move[q, r, t]    : int8   -1, 0 or +1 on tape t
    where r = sum_t symbol_t * m**t encodes the symbols read on all tapes.
    """

    next_state: np.ndarray
    write: np.ndarray
    move: np.ndarray
    symbols: tuple[str, ...] = ("0", "1")
    input_symbols: tuple[str, ...] | None = None
    state_names: tuple[str, ...] | None = None
    undefined: str = "halt"
    name: str = ""
    description: str = ""
    metadata: dict = field(default_factory=dict)

    def __post_init__(self):
        next_state = np.ascontiguousarray(self.next_state, dtype=np.int32)
        write = np.ascontiguousarray(self.write, dtype=np.uint8)
        move = np.ascontiguousarray(self.move, dtype=np.int8)
        if next_state.ndim != 2 or write.ndim != 3 or write.shape != move.shape:
            raise ParseError("transition tables have inconsistent shapes")
        n_states, n_reads = next_state.shape
        m, k = len(self.symbols), write.shape[2]
        if n_states < 1 or m < 2 or n_reads != m**k or write.shape[:2] != (n_states, n_reads):
            raise ParseError(f"tables do not match {n_states} states, {m} symbols, {k} tapes")
        if next_state.max(initial=0) >= n_states or next_state.min(initial=0) < UNDEFINED:
            raise ParseError("a transition goes to a state that does not exist")
        if write.max(initial=0) >= m or np.abs(move).max(initial=0) > 1:
            raise ParseError("a transition writes an unknown symbol or moves more than one cell")
        if self.undefined not in ("halt", "reject"):
            raise ParseError(f"undefined must be 'halt' or 'reject', got {self.undefined!r}")
        if len(set(self.symbols)) != m or any(len(s) != 1 for s in self.symbols):
            raise ParseError(f"symbols must be distinct single characters, got {list(self.symbols)}")
        inputs = tuple(self.input_symbols) if self.input_symbols is not None else tuple(self.symbols)
        if any(s not in self.symbols for s in inputs):
            raise ParseError(f"input symbols {list(inputs)} are not all tape symbols {list(self.symbols)}")
        names = tuple(self.state_names) if self.state_names else tuple(_letters(i) for i in range(n_states))
        if len(names) != n_states:
            raise ParseError("one state name per state is needed")
        for attr, value in (("next_state", next_state), ("write", write), ("move", move),
                            ("input_symbols", inputs), ("state_names", names)):
            object.__setattr__(self, attr, value)

    # -- shape ----------------------------------------------------------------------------
    @property
    def n_states(self) -> int:
        """Number of working states (stop states not counted)."""
        return int(self.next_state.shape[0])

    @property
    def n_symbols(self) -> int:
        """Number of tape symbols, blank included."""
        return len(self.symbols)

    @property
    def n_tapes(self) -> int:
        """Number of tapes; the input is written on tape 1."""
        return int(self.write.shape[2])

    @property
    def undefined_code(self) -> int:
        """The stop code an undefined transition yields."""
        return HALT if self.undefined == "halt" else REJECT

    @property
    def is_standard(self) -> bool:
        """True if the Standard format can print this machine (1 tape, digit symbols, L/R moves, ...)."""
        from speedprior.tm.standard import standard_problem

        return standard_problem(self) is None

    def __str__(self) -> str:
        from speedprior.tm.standard import to_standard

        return to_standard(self) if self.is_standard else (self.name or repr(self))

    def __repr__(self) -> str:
        label = f" {self.name!r}" if self.name else ""
        return f"<TuringMachine{label}: {self.n_states} states, {self.n_symbols} symbols, {self.n_tapes} tapes>"

    def encode_input(self, text: str) -> np.ndarray:
        """Map an input string to symbol indices, rejecting characters outside the input alphabet."""
        index = {s: i for i, s in enumerate(self.symbols)}
        allowed = set(self.input_symbols)
        for ch in text:
            if ch not in allowed:
                raise ParseError(
                    f"input symbol {ch!r} is not in the input alphabet {''.join(self.input_symbols)!r}"
                )
        return np.array([index[ch] for ch in text], dtype=np.uint8)

    def input_alphabet_indices(self) -> np.ndarray:
        """Tape-symbol indices of the input alphabet, in its order."""
        return np.array([self.symbols.index(s) for s in self.input_symbols], dtype=np.uint8)


def _letters(i: int) -> str:
    """State names A, B, ..., Z, AA, AB, ... (skipping nothing: Z/H are stop names only in text)."""
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(ord("A") + r) + name
    return name
