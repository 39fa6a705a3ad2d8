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

Limits, checked before any table is built: 1 to 16 tapes, 2 to 256 symbols (single characters
other than space and `*`), and tables of at most MAX_TABLE_MB (256 MiB; the environment
variable SPEEDPRIOR_MAX_TABLE_MB raises it), counted as states x symbols^tapes x (12 + 10 tapes)
bytes. NEXT may be `accept`, `reject` or `halt`. In READ, `*` matches any symbol; in WRITE, `*`
writes back the symbol read. A rule with fewer `*` overrides one with more, so a machine can
say "on anything else, move right" in one line.
"""

from __future__ import annotations

import math
import os
import tomllib
from pathlib import Path

import numpy as np

from speedprior.errors import ParseError
from speedprior.files import read_text
from speedprior.tm.machine import MOVE_LETTERS, MOVES, STOP_NAMES, UNDEFINED, TuringMachine

_KEYS = {"name", "description", "tapes", "symbols", "input", "start", "undefined", "transitions"}
MAX_TAPES = 16
MAX_SYMBOLS = 256  # symbols are stored as uint8
# Every (state, symbols read) cell costs about 12 + 10k bytes (next state, k writes, k moves,
# the parser's bookkeeping and the kernel's int64 moves); the tables are refused above this.
MAX_TABLE_MB = 256
TABLE_LIMIT_VARIABLE = "SPEEDPRIOR_MAX_TABLE_MB"  # set it to raise the limit


def table_bytes(states: int, symbols: int, tapes: int) -> int:
    """Bytes the transition tables of such a machine take while it is built and run."""
    return states * symbols**tapes * (12 + 10 * tapes)


def max_table_bytes() -> int:
    """The table limit in bytes: MAX_TABLE_MB, or SPEEDPRIOR_MAX_TABLE_MB when that is set."""
    value = os.environ.get(TABLE_LIMIT_VARIABLE, "").strip()
    if not value:
        return MAX_TABLE_MB << 20
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = float("nan")
    if not math.isfinite(megabytes) or megabytes <= 0:
        raise ParseError(f"{TABLE_LIMIT_VARIABLE} must be a positive number of MiB, got {value!r}")
    return int(megabytes * (1 << 20))


def parse_spec(text: str, source: str = "machine") -> TuringMachine:
    """Parse the TOML machine format."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ParseError(f"{source}: invalid TOML: {error}") from None
    except RecursionError:
        raise ParseError(f"{source}: invalid TOML: nested too deeply") from None
    return from_dict(data, source)


def load_spec(path: str | Path) -> TuringMachine:
    """Read a machine from a TOML file."""
    return parse_spec(read_text(path, "machine file"), source=str(path))


def from_dict(data: dict, source: str = "machine") -> TuringMachine:
    """Build a machine from the parsed TOML mapping, refusing tables over the size limit first."""
    unknown = set(data) - _KEYS
    if unknown:
        raise ParseError(f"{source}: unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    _check_types(data, source)
    symbols = data.get("symbols", "_01")
    symbols = tuple(symbols) if isinstance(symbols, str) else tuple(str(s) for s in symbols)
    if not 2 <= len(symbols) <= MAX_SYMBOLS:
        raise ParseError(f"{source}: a machine needs 2 to {MAX_SYMBOLS} symbols, got {len(symbols)}")
    bad = [s for s in symbols if len(s) != 1 or s.isspace() or s == "*"]
    if bad or len(set(symbols)) != len(symbols):
        raise ParseError(f"{source}: symbols must be distinct single characters other than space and '*', "
                         f"got {(bad or list(symbols))[:10]}")
    k = data.get("tapes", 1)
    if not 1 <= k <= MAX_TAPES:
        raise ParseError(f"{source}: tapes must lie in 1..{MAX_TAPES}, got {k}")
    inputs = data.get("input", symbols[1:])
    inputs = tuple(inputs) if isinstance(inputs, str) else tuple(str(s) for s in inputs)
    if len(set(inputs)) != len(inputs):
        raise ParseError(f"{source}: input symbols must be distinct, got {''.join(inputs)[:80]!r}")
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
    m, q = len(symbols), len(names)
    needed, limit = table_bytes(q, m, k), max_table_bytes()
    if needed > limit:
        raise ParseError(f"{source}: {q} states x {m}^{k} symbol combinations need about {_mib(needed)} of "
                         f"tables, over the limit of {_mib(limit)} (set {TABLE_LIMIT_VARIABLE} to raise it)")
    undefined = data.get("undefined", "halt")
    if undefined not in ("halt", "reject"):
        raise ParseError(f"{source}: undefined must be 'halt' or 'reject', got {undefined!r}")
    next_state, write, move = _tables(rules, {name: i for i, name in enumerate(names)}, m, k, source)
    return TuringMachine(
        next_state, write, move, symbols=symbols, input_symbols=inputs, state_names=tuple(names),
        undefined=undefined, name=str(data.get("name", "")), description=str(data.get("description", "")),
    )


def _mib(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MiB" if n >= 1 << 20 else f"{n:,} bytes"


def _tables(rules, index: dict, m: int, k: int, source: str):
    """Fill dense tables from the rules; a rule with fewer wildcards overrides one with more."""
    q, reads = len(index), m**k
    next_state = np.full((q, reads), UNDEFINED, dtype=np.int32)
    write = np.zeros((q, reads, k), dtype=np.uint8)
    move = np.zeros((q, reads, k), dtype=np.int8)
    owner = np.full((q, reads), -1, dtype=np.int8)  # wildcards of the rule that set each cell
    powers = m ** np.arange(k, dtype=np.int64)
    for state, read, target, written, moves, line in sorted(rules, key=lambda r: r[1].count(None)):
        wild = read.count(None)
        # Every read code the rule matches: fixed symbols plus all values at the wildcards.
        codes = np.array([sum(s * m**t for t, s in enumerate(read) if s is not None)], dtype=np.int64)
        for t, s in enumerate(read):
            if s is None:
                codes = (codes[:, None] + np.arange(m, dtype=np.int64)[None, :] * int(powers[t])).reshape(-1)
        row = index[state]
        if np.any(owner[row, codes] == wild):
            raise ParseError(f"{source}: transition {line!r} overlaps another rule as specific as itself")
        codes = codes[owner[row, codes] < 0]  # cells a more specific rule already decided stay
        owner[row, codes] = wild
        next_state[row, codes] = STOP_NAMES.get(target, index.get(target, 0))
        for t, w in enumerate(written):  # '*' under a wildcard writes back the symbol read there
            write[row, codes, t] = (codes // powers[t]) % m if w is None else w
        move[row, codes] = moves
    return next_state, write, move


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
