"""A readable TOML format for any machine (k tapes, any single-character symbols).

    name = "sipser-0n1n-2tape"
    tapes = 2
    symbols = "_01x"          # the first symbol is the blank
    input = "01"              # the input alphabet (default: every non-blank symbol)
    start = "copy"            # default: the state of the first transition
    undefined = "reject"      # what a missing transition does: "halt" (default) or "reject"
    transitions = [
      # STATE READ -> NEXT WRITE MOVES, one symbol and one move (L, R, S) per tape
      "copy 0_ -> copy 0x RR",
      "copy 1_ -> match 1_ SL",
    ]

NEXT may be `accept`, `reject` or `halt`. In READ, `*` matches any symbol; in WRITE, `*`
writes back the symbol read. A rule with fewer `*` overrides one with more, so a machine can
say "on anything else, move right" in one line.
"""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import numpy as np

from speedprior.errors import ParseError
from speedprior.tm.machine import MOVE_LETTERS, MOVES, STOP_NAMES, UNDEFINED, TuringMachine

_KEYS = {"name", "description", "tapes", "symbols", "input", "start", "undefined", "transitions"}


def parse_spec(text: str, source: str = "machine") -> TuringMachine:
    """Parse the TOML machine format."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ParseError(f"{source}: invalid TOML: {error}") from None
    return from_dict(data, source)


def load_spec(path: str | Path) -> TuringMachine:
    """Read a machine from a TOML file."""
    path = Path(path)
    return parse_spec(path.read_text(), source=str(path))


def from_dict(data: dict, source: str = "machine") -> TuringMachine:
    """Build a machine from the parsed TOML mapping."""
    unknown = set(data) - _KEYS
    if unknown:
        raise ParseError(f"{source}: unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    _check_types(data, source)
    symbols = data.get("symbols", "_01")
    symbols = tuple(symbols) if isinstance(symbols, str) else tuple(str(s) for s in symbols)
    k = int(data.get("tapes", 1))
    if k < 1:
        raise ParseError(f"{source}: tapes must be at least 1, got {k}")
    inputs = data.get("input", symbols[1:])
    inputs = tuple(inputs) if isinstance(inputs, str) else tuple(str(s) for s in inputs)
    rules = [_parse_rule(line, k, symbols, source) for line in data.get("transitions", [])]
    if not rules:
        raise ParseError(f"{source}: a machine needs at least one transition")
    names: list[str] = []
    start = data.get("start", rules[0][0])
    for state in [start] + [r[0] for r in rules] + [r[2] for r in rules]:
        if state not in names and state not in STOP_NAMES:
            names.append(state)
    if start in STOP_NAMES:
        raise ParseError(f"{source}: the start state cannot be {start!r}")
    if start not in {r[0] for r in rules}:
        raise ParseError(f"{source}: start state {start!r} has no transitions")
    index = {name: i for i, name in enumerate(names)}
    m, q = len(symbols), len(names)
    next_state = np.full((q, m**k), UNDEFINED, dtype=np.int32)
    write = np.zeros((q, m**k, k), dtype=np.uint8)
    move = np.zeros((q, m**k, k), dtype=np.int8)
    owner = np.full((q, m**k), -1, dtype=np.int64)  # wildcards of the rule that set each entry
    for state, read, target, written, moves, line in sorted(rules, key=lambda r: r[1].count(None)):
        wild = read.count(None)
        choices = [range(m) if r is None else [r] for r in read]
        for combo in itertools.product(*choices):
            code = sum(s * m**t for t, s in enumerate(combo))
            entry = (index[state], code)
            if owner[entry] == wild:
                raise ParseError(f"{source}: transition {line!r} overlaps another rule as specific as itself")
            if owner[entry] >= 0:
                continue  # a more specific rule already decided this entry
            owner[entry] = wild
            next_state[entry] = STOP_NAMES.get(target, index.get(target, 0))
            write[entry] = [combo[t] if w is None else w for t, w in enumerate(written)]
            move[entry] = moves
    undefined = data.get("undefined", "halt")
    if undefined not in ("halt", "reject"):
        raise ParseError(f"{source}: undefined must be 'halt' or 'reject', got {undefined!r}")
    return TuringMachine(
        next_state, write, move, symbols=symbols, input_symbols=inputs, state_names=tuple(names),
        undefined=undefined, name=str(data.get("name", "")), description=str(data.get("description", "")),
    )


def _check_types(data: dict, source: str) -> None:
    """Fail with one clear line when a key holds the wrong kind of value."""

    def is_symbols(value) -> bool:
        return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))

    checks = {
        "tapes": (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
        "symbols": (is_symbols, "a string of symbols or a list of strings"),
        "input": (is_symbols, "a string of symbols or a list of strings"),
        "transitions": (lambda v: isinstance(v, list) and all(isinstance(t, str) for t in v),
                        "a list of 'STATE READ -> NEXT WRITE MOVES' strings"),
        "start": (lambda v: isinstance(v, str), "a state name"),
        "undefined": (lambda v: isinstance(v, str), "'halt' or 'reject'"),
        "name": (lambda v: isinstance(v, str), "a string"),
        "description": (lambda v: isinstance(v, str), "a string"),
    }
    for key, (valid, expected) in checks.items():
        if key in data and not valid(data[key]):
            raise ParseError(f"{source}: {key} must be {expected}, got {data[key]!r}")


def _parse_rule(line: str, k: int, symbols: tuple[str, ...], source: str):
    parts = line.split()
    if len(parts) != 6 or parts[2] != "->":
        raise ParseError(f"{source}: transition {line!r} is not 'STATE READ -> NEXT WRITE MOVES'")
    state, read, _, target, written, moves = parts
    for field, value in (("READ", read), ("WRITE", written), ("MOVES", moves)):
        if len(value) != k:
            raise ParseError(f"{source}: {field} {value!r} in {line!r} needs one entry per tape ({k})")
    lookup = {s: i for i, s in enumerate(symbols)}

    def symbol(ch: str):
        if ch == "*":
            return None
        if ch not in lookup:
            raise ParseError(f"{source}: symbol {ch!r} in {line!r} is not in symbols {''.join(symbols)!r}")
        return lookup[ch]

    bad_moves = [ch for ch in moves if ch not in MOVES]
    if bad_moves:
        raise ParseError(f"{source}: move {bad_moves[0]!r} in {line!r} is not L, R or S")
    read_codes = tuple(symbol(ch) for ch in read)
    write_codes = tuple(symbol(ch) for ch in written)
    # '*' in WRITE under a concrete READ symbol writes that symbol back.
    write_codes = tuple(r if w is None else w for w, r in zip(write_codes, read_codes, strict=True))
    return state, read_codes, target, write_codes, tuple(MOVES[ch] for ch in moves), line


def to_spec(machine: TuringMachine) -> str:
    """Print any machine in the TOML format (explicit transitions, no wildcards)."""
    m, k = machine.n_symbols, machine.n_tapes
    names = machine.state_names
    stop = {v: key for key, v in STOP_NAMES.items()}
    lines = []
    for q in range(machine.n_states):
        for code in range(m**k):
            target = int(machine.next_state[q, code])
            if target == UNDEFINED:
                continue
            read = "".join(machine.symbols[(code // m**t) % m] for t in range(k))
            written = "".join(machine.symbols[s] for s in machine.write[q, code])
            moves = "".join(MOVE_LETTERS[int(d)] for d in machine.move[q, code])
            lines.append(f'  "{names[q]} {read} -> {stop.get(target) or names[target]} {written} {moves}",')
    header = [f'name = "{machine.name}"'] if machine.name else []
    if machine.description:
        header.append(f'description = "{machine.description}"')
    header += [
        f"tapes = {k}",
        f'symbols = "{"".join(machine.symbols)}"',
        f'input = "{"".join(machine.input_symbols)}"',
        f'start = "{names[0]}"',
        f'undefined = "{machine.undefined}"',
        "transitions = [",
    ]
    return "\n".join(header + lines + ["]"]) + "\n"
