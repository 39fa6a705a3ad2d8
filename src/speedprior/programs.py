"""The program protocol: anything run on inputs that reports outputs, costs and halting.

Search, the testbeds and the priors all talk to programs through `Program`: a `name`, a
`description_bits` (for Turing machines, the one prefix code of `speedprior.tm.description`)
and `evaluate(inputs) -> Outcome`. An `Outcome` holds, per input, the output (int8: 1 accept,
0 reject, -1 no verdict), the cost (float64, e.g. steps or gates) and whether the run halted
within its budget (bool). Adapters: `TMProgram` (a Turing machine within a step budget),
`CircuitProgram` (a Boolean circuit: output 0 is the verdict, every input costs its size)
and `TableProgram` (a hand-written function, for tests and toy spaces).

`PROGRAM_KINDS` maps each kind to a factory of a small example; the contract tests run
`speedprior.testing.programs.check_program` over every entry.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from speedprior.circuits.circuit import Circuit
from speedprior.errors import SpeedpriorError
from speedprior.tm.description import description_bits
from speedprior.tm.machine import TuringMachine
from speedprior.tm.run import run_batch

ACCEPT_OUT, REJECT_OUT, NO_OUT = 1, 0, -1
DEFAULT_BUDGET = 100_000  # steps per input when a Turing machine is evaluated without a budget


@dataclass(frozen=True)
class Outcome:
    """Per-input outputs (int8: 1 accept, 0 reject, -1 none), costs (float64) and halting flags (bool)."""

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


@dataclass(frozen=True)
class TMProgram:
    """A Turing machine as a Program: output = its verdict, cost = steps, within a step budget."""

    machine: TuringMachine
    name: str = ""
    budget: int = DEFAULT_BUDGET

    def __post_init__(self):
        if not self.name:
            object.__setattr__(self, "name", self.machine.name or repr(self.machine))

    @property
    def description_bits(self) -> float:
        """Bits in the Turing-machine prefix code (`speedprior.tm.description`)."""
        return description_bits(self.machine)

    def evaluate(self, inputs: Sequence[str]) -> Outcome:
        """Run every input within the budget: verdicts, steps, halted."""
        result = run_batch(self.machine, list(inputs), self.budget)
        return Outcome(result.accepted.astype(np.int8), result.steps.astype(np.float64), result.halted.astype(bool))


def circuit_bits(circuit: Circuit) -> float:
    """Bits of a circuit: Elias gamma of its gate count, then per gate its 4-bit op and two
    fanin literals, per output one literal (a literal of a node among N costs log2(2N) bits)."""
    gates = len(circuit.gates)
    bits = 2 * math.floor(math.log2(gates + 1)) + 1
    for index in range(gates):
        bits += 4 + 2 * math.log2(2 * (circuit.n_inputs + 1 + index))
    return float(bits + len(circuit.outputs) * math.log2(2 * circuit.n_nodes))


@dataclass(frozen=True)
class CircuitProgram:
    """A Boolean circuit as a Program over bit strings: output 0 is the verdict, each input costs its size."""

    circuit: Circuit
    name: str = "circuit"

    @property
    def description_bits(self) -> float:
        """Bits of the circuit (`circuit_bits`)."""
        return circuit_bits(self.circuit)

    def evaluate(self, inputs: Sequence[str]) -> Outcome:
        """Evaluate every input (a string of n_inputs bits '0'/'1')."""
        from speedprior.circuits.evaluate import evaluate

        n = self.circuit.n_inputs
        bad = [x for x in inputs if len(x) != n or set(x) - {"0", "1"}]
        if bad:
            raise SpeedpriorError(f"circuit {self.name!r} takes strings of {n} bits, got {bad[0]!r}")
        bits = np.array([[int(ch) for ch in x] for x in inputs], dtype=np.uint8).reshape(len(inputs), n)
        values = evaluate(self.circuit, bits)
        outputs = values[:, 0].astype(np.int8) if values.shape[1] else np.full(len(inputs), NO_OUT, np.int8)
        return Outcome(outputs, np.full(len(inputs), float(self.circuit.size)), np.ones(len(inputs), bool))


@dataclass(frozen=True)
class TableProgram:
    """A program given by a function input -> (output, cost); for hand-built spaces with known answers."""

    name: str
    function: Callable[[str], tuple[int, float]]
    bits: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def description_bits(self) -> float:
        """The bits it was given."""
        return float(self.bits)

    def evaluate(self, inputs: Sequence[str]) -> Outcome:
        """Call the function on every input; it always halts."""
        pairs = [self.function(x) for x in inputs]
        outputs = np.array([int(o) for o, _ in pairs], dtype=np.int8)
        costs = np.array([float(c) for _, c in pairs], dtype=np.float64)
        if not np.isfinite(costs).all() or (costs < 0).any():
            raise SpeedpriorError(f"program {self.name!r} reported a negative or non-finite cost")
        return Outcome(outputs, costs, np.ones(len(pairs), dtype=bool))


def _example_tm() -> TMProgram:
    from speedprior.tm.library import get_machine

    return TMProgram(get_machine("bb2"), "bb2", budget=1000)


def _example_table() -> TableProgram:
    return TableProgram("parity", lambda x: (x.count("1") % 2, float(len(x))), bits=3.0)


def _example_circuit() -> CircuitProgram:
    from speedprior.circuits.synthesis import synthesize

    return CircuitProgram(synthesize(0x6, 2, "xaig").circuit, "xor")


PROGRAM_KINDS: dict[str, Callable[[], Program]] = {
    "tm": _example_tm,
    "table": _example_table,
    "circuit": _example_circuit,
}
# Inputs each kind's example accepts, for the contract checks.
EXAMPLE_INPUTS: dict[str, list[str]] = {
    "tm": ["", "0", "1", "0110"],
    "table": ["", "1", "0110", "111"],
    "circuit": ["00", "01", "10", "11"],
}


def register_program_kind(name: str, example: Callable[[], Program], inputs: Sequence[str]) -> None:
    """Add a program kind (a factory of a small example, and inputs it accepts) for the contract checks."""
    PROGRAM_KINDS[name] = example
    EXAMPLE_INPUTS[name] = list(inputs)
