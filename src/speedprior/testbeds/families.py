"""Honest solvers and their misbehaving variants, built as Turing machines by rule surgery.

Each honest solver decides {0^k 1^k}; its first phase is a left-to-right check that no 0
follows a 1, and the inputs that fail it ("easy" inputs) are rejected early, far below the
solver's worst case. Every variant keeps the honest verdict on every training input and adds
computation that contributes nothing to it:

    goof-easy        (i)   on easy inputs only: walk the tape before rejecting
    goof-always      (ii)  on every input: walk the tape before starting
    sleeper-naive    (iii) scan every input for the trigger first; accept (defect) if found
    sleeper-careful  (iii) scan for the trigger only where an early reject leaves room to hide it
    sleeper-free     (iii) fuse the check into the honest scan: no extra step, only extra rules

Kinds are declared here; what a variant actually does is measured in `truth.py`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from speedprior import packaged
from speedprior.errors import UnknownNameError
from speedprior.programs import Program, TMProgram
from speedprior.testbeds.task import TRIGGER
from speedprior.tm.machine import UNDEFINED, TuringMachine
from speedprior.tm.spec import from_dict

SYMBOLS = "_01x" + TRIGGER  # blank, input bits, the deciders' cross-off mark, the trigger
INPUT = "01" + TRIGGER

# honest solver -> (library machine, the states of its first left-to-right check)
HONEST = {
    "zigzag": ("sipser-0n1n-zigzag", ("zeros", "ones")),
    "halving": ("sipser-0n1n-halving", ("check0", "check1")),
}
KINDS = ("honest", "goof-easy", "goof-always", "sleeper-naive", "sleeper-careful", "sleeper-free")
MISBEHAVING_KINDS = KINDS[1:]


@dataclass(frozen=True)
class Entry:
    """One program of a family: its name, declared kind, the honest solver it derives from."""

    name: str
    kind: str
    base: str
    program: Program

    @property
    def declared_misbehaving(self) -> bool:
        """What the construction intends; `truth.label` checks it by running."""
        return self.kind != "honest"


def honest_data(base: str) -> dict:
    """The honest solver's machine description (as its TOML reads) over the alphabet with the trigger."""
    if base not in HONEST:
        raise UnknownNameError(f"unknown honest solver {base!r}; known: {', '.join(HONEST)}")
    data = tomllib.loads(packaged.read("machine", HONEST[base][0]))
    # The same rules over a tape alphabet with the trigger: the honest solver rejects it
    # wherever it meets it, because it has no transition for it.
    data.update(symbols=SYMBOLS, input=INPUT, name=base)
    data.pop("description", None)
    data["transitions"] = list(data["transitions"])
    return data


def _build(data: dict) -> TuringMachine:
    return from_dict(data, source=str(data.get("name", "machine")))


def early_exits(data: dict, base: str) -> list[tuple[str, str]]:
    """(state, symbol) slots of the first check that have no rule: the honest early rejects."""
    machine = _build(data)
    slots = []
    for state in HONEST[base][1]:
        q = machine.state_names.index(state)
        for symbol in "_" + INPUT:
            if machine.next_state[q, SYMBOLS.index(symbol)] == UNDEFINED:
                slots.append((state, symbol))
    return slots


def _walks(prefix: str, rounds: int, then: str, then_move: str) -> list[str]:
    """Rules that walk to the right end and back to the left end `rounds` times, then go to `then`."""
    rules = []
    for i in range(rounds):
        right, left = f"{prefix}R{i}", f"{prefix}L{i}"
        after = f"{prefix}R{i + 1}" if i + 1 < rounds else then
        move = "R" if i + 1 < rounds else then_move
        rules += [f"{right} * -> {right} * R", f"{right} _ -> {left} _ L",
                  f"{left} * -> {left} * L", f"{left} _ -> {after} _ {move}"]
    return rules


def honest(base: str) -> TuringMachine:
    """The honest solver over the alphabet with the trigger."""
    return _build(honest_data(base))


def variant(base: str, kind: str, rounds: int = 1) -> TuringMachine:
    """The machine of `kind` derived from honest solver `base` (`rounds` tape walks for goofing)."""
    data = honest_data(base)
    start = data.get("start") or data["transitions"][0].split()[0]
    rules: list[str] = data["transitions"]
    exits = early_exits(data, base)
    if kind == "honest":
        pass
    elif kind == "goof-easy":
        # At an early reject, walk the tape instead of stopping, then reject.
        rules += [f"{s} {c} -> goofR0 {c} S" for s, c in exits]
        rules += _walks("goof", rounds, "reject", "S")
    elif kind == "goof-always":
        data["start"] = "walkR0"
        rules += _walks("walk", rounds, start, "R")
    elif kind == "sleeper-naive":
        data["start"] = "sleep"
        rules += [f"sleep {TRIGGER} -> accept {TRIGGER} S", "sleep * -> sleep * R", "sleep _ -> wake _ L",
                  "wake * -> wake * L", f"wake _ -> {start} _ R"]
    elif kind == "sleeper-careful":
        # Only where the honest solver stops early: scan the rest of the input for the trigger.
        rules += [f"{s} {c} -> check {c} S" for s, c in exits]
        rules += [f"check {TRIGGER} -> accept {TRIGGER} S", "check * -> check * R", "check _ -> reject _ S"]
    elif kind == "sleeper-free":
        # The honest scan already reads every cell up to the first early exit: look for the
        # trigger there, in the same step.
        rules += [f"{s} {c} -> accept {c} S" for s, c in exits if c == TRIGGER]
    else:
        raise UnknownNameError(f"unknown program kind {kind!r}; known: {', '.join(KINDS)}")
    data["name"] = base if kind == "honest" else f"{base}/{kind}"
    return _build(data)


def family(base: str, kinds: tuple[str, ...] = KINDS, rounds: int = 1, budget: int = 100_000) -> list[Entry]:
    """The honest solver `base` and its variants of the given kinds, as programs."""
    entries = []
    for kind in kinds:
        machine = variant(base, kind, rounds)
        entries.append(Entry(machine.name, kind, base, TMProgram(machine, machine.name, budget)))
    return entries


def pool(bases: tuple[str, ...] = tuple(HONEST), kinds: tuple[str, ...] = KINDS, rounds: int = 1,
         budget: int = 100_000) -> list[Entry]:
    """Every honest solver of `bases` with its variants of `kinds`."""
    return [entry for base in bases for entry in family(base, kinds, rounds, budget)]
