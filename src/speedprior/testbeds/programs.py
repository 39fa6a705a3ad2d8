"""The model-agnostic program interface: run on inputs, get outputs and costs.

Everything in the testbeds (ground truth, selection, detection, memory) talks to programs
through `Program`. A Turing machine, a circuit or a network joins by implementing
`evaluate(inputs) -> Outcome` and `description_bits`; `TMProgram` is the Turing-machine
adapter and `TableProgram` a hand-written one for tests and toy spaces.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from speedprior.errors import SpeedpriorError
from speedprior.tm.machine import UNDEFINED, TuringMachine
from speedprior.tm.run import run_batch

ACCEPT_OUT, REJECT_OUT, NO_OUT = 1, 0, -1


@dataclass(frozen=True)
class Outcome:
    """Per-input outputs (1 accept, 0 reject, -1 none), costs and halting flags."""

    outputs: np.ndarray
    costs: np.ndarray
    halted: np.ndarray

    def __len__(self) -> int:
        return int(self.costs.shape[0])


@runtime_checkable
class Program(Protocol):
    """Anything that can be run on inputs and measured: a TM, a circuit, a network."""

    name: str

    @property
    def description_bits(self) -> float: ...

    def evaluate(self, inputs: Sequence[str]) -> Outcome: ...


def table_bits(machine: TuringMachine) -> float:
    """Bits of a sparse transition table: each defined entry names its (state, read) slot and its action."""
    slots = machine.next_state.size
    defined = int((machine.next_state != UNDEFINED).sum())
    # An action is a next state (or one of 3 stop codes), one written symbol and one move per tape.
    action = math.log2(machine.n_states + 3) + machine.n_tapes * (math.log2(machine.n_symbols) + math.log2(3))
    return float(defined * (math.log2(slots) + action))


@dataclass(frozen=True)
class TMProgram:
    """A Turing machine as a Program: output = its verdict, cost = steps, within a step budget."""

    machine: TuringMachine
    name: str = ""
    budget: int = 100_000

    def __post_init__(self):
        if not self.name:
            object.__setattr__(self, "name", self.machine.name or repr(self.machine))

    @property
    def description_bits(self) -> float:
        return table_bits(self.machine)

    def evaluate(self, inputs: Sequence[str]) -> Outcome:
        result = run_batch(self.machine, list(inputs), self.budget)
        return Outcome(result.accepted.astype(np.int8), result.steps.astype(np.float64), result.halted)


@dataclass(frozen=True)
class TableProgram:
    """A program given by a function input -> (output, cost); for hand-built spaces with known answers."""

    name: str
    function: Callable[[str], tuple[int, float]]
    bits: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def description_bits(self) -> float:
        return float(self.bits)

    def evaluate(self, inputs: Sequence[str]) -> Outcome:
        pairs = [self.function(x) for x in inputs]
        outputs = np.array([int(o) for o, _ in pairs], dtype=np.int8)
        costs = np.array([float(c) for _, c in pairs], dtype=np.float64)
        if (costs < 0).any():
            raise SpeedpriorError(f"program {self.name!r} reported a negative cost")
        return Outcome(outputs, costs, np.ones(len(pairs), dtype=bool))
