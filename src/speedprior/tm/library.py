"""Named machines: the 0^k 1^k deciders of Sipser's text and the busy beaver champions.

`load_machine(spec)` accepts a library name, a path to a TOML machine file, or a string in the
Standard TM Text Format, which is what every CLI `--machine` option takes.
"""

from __future__ import annotations

from pathlib import Path

from speedprior import packaged
from speedprior.errors import UnknownNameError
from speedprior.tm.machine import TuringMachine
from speedprior.tm.spec import load_spec, parse_spec
from speedprior.tm.standard import looks_standard, parse_standard

# Busy beaver champions (1 tape, blank tape): (Standard string, steps, ones). bbN has N states
# and 2 symbols; bb2x3 and bb2x4 have 2 states and 3 or 4 symbols (BB(2,3) and BB(2,4)).
# Steps count the halting transition; ones are the non-blank cells left on the tape.
BUSY_BEAVERS = {
    "bb2": ("1RB1LB_1LA1RZ", 6, 4),
    "bb3": ("1RB1RZ_1LB0RC_1LC1LA", 21, 5),
    "bb4": ("1RB1LB_1LA0LC_1RZ1LD_1RD0RA", 107, 13),
    "bb5": ("1RB1LC_1RC1RB_1RD0LE_1LA1LD_1RZ0LA", 47_176_870, 4_098),
    "bb2x3": ("1RB2LB1RZ_2LA2RB1LB", 38, 9),
    "bb2x4": ("1RB2LA1RA1RA_1LB1LA3RB1RZ", 3_932_964, 2_050),
}

DECIDERS = ("sipser-0n1n-zigzag", "sipser-0n1n-halving", "sipser-0n1n-2tape")
LIBRARY: tuple[str, ...] = DECIDERS + tuple(BUSY_BEAVERS)


def get_machine(name: str) -> TuringMachine:
    """Return the library machine called `name`."""
    if name in BUSY_BEAVERS:
        return parse_standard(BUSY_BEAVERS[name][0], name=name)
    if name in DECIDERS:
        return parse_spec(packaged.read("machine", name), source=name)
    raise UnknownNameError(f"unknown machine {name!r}; library machines: {', '.join(LIBRARY)}")


def load_machine(spec: str | TuringMachine) -> TuringMachine:
    """Resolve a library name, a Standard-format string or a TOML machine file, tried in that order.

    A Standard string is recognised before the argument is tried as a path, so a long one is
    never handed to the file system (which refuses names over 255 bytes).
    """
    if isinstance(spec, TuringMachine):
        return spec
    spec = str(spec).strip()
    if spec in LIBRARY:
        return get_machine(spec)
    if looks_standard(spec):
        return parse_standard(spec)
    if spec.endswith(".toml") or _is_file(spec):
        return load_spec(spec)
    raise UnknownNameError(
        f"{spec[:80]!r} is not a library machine, a Standard TM string or a machine file; "
        f"library machines: {', '.join(LIBRARY)}"
    )


def _is_file(spec: str) -> bool:
    try:
        return Path(spec).is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        return False
