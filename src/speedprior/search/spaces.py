"""Program spaces: machines carrying description lengths, in TNF or length order, or filtered by examples.

A space is an iterable of `Program`s in the order a search enumerates them. TNF and length
spaces also stream `chunks(size)` of flat tables (see `chunks.py`), which the searches and
`solvers` grade in compiled batches. Description lengths and program strings: `program.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from speedprior.search.chunks import ProgramChunk, concat, grade_chunk, program_chunks, verdict_chunk
from speedprior.search.enumerate import DEFAULT_BUDGET, STOP_CODES, tnf_tables
from speedprior.search.evaluate import Examples, as_examples, run_examples
from speedprior.search.program import (
    Program,
    bits_rows,
    description_bits,
    parse_program,
    program_string,
    used_states,
)
from speedprior.search.task import Task
from speedprior.tm.machine import TuringMachine

__all__ = ["LengthSpace", "ListSpace", "Program", "ProgramSpace", "SolverSpace", "TNFSpace", "description_bits",
           "parse_program", "program_string", "solvers", "used_states"]


@runtime_checkable
class ProgramSpace(Protocol):
    """An iterable of Programs in a fixed order (the order a search enumerates them in)."""

    def __iter__(self) -> Iterator[Program]: ...


def _programs(chunks: Iterable[ProgramChunk]) -> Iterator[Program]:
    for chunk in chunks:
        for i in range(len(chunk)):
            yield chunk.program(i)


@dataclass(frozen=True)
class TNFSpace:
    """TNF machines with up to `states` states, streamed in depth-first order, for behaviour on `inputs`."""

    states: int
    symbols: str = "01"
    budget: int = DEFAULT_BUDGET
    inputs: tuple[str, ...] = ("",)
    stops: tuple[str, ...] = ("halt",)
    input_symbols: str | None = None
    undefined: str = "halt"

    @classmethod
    def for_task(cls, task: Task, states: int | None = None, budget: int | None = None) -> TNFSpace:
        """The TNF space that is complete (up to renaming) for behaviour on a task's inputs."""
        return cls(states or task.states, task.symbols, budget or task.budget, tuple(task.inputs), task.stops,
                   task.input_symbols, "reject" if task.is_language else "halt")

    def chunks(self, size: int = 1024) -> Iterator[ProgramChunk]:
        """The space as chunks of flat tables, straight from the compiled walk."""
        kinds = 2 if "accept" in self.stops or "reject" in self.stops else 1
        code = STOP_CODES[self.undefined]
        start = 0
        for block in tnf_tables(self.states, self.symbols, self.budget, self.inputs, self.stops, self.input_symbols,
                                self.undefined, size):
            count = len(block.ns)
            yield ProgramChunk(block.ns, block.wr, block.mv, np.full(count, code, np.int64),
                               bits_rows(block.ns, self.states, len(block.symbols), kinds),
                               np.arange(start, start + count, dtype=np.int64), self.states, block.symbols,
                               block.input_symbols)
            start += count

    def __iter__(self) -> Iterator[Program]:
        return _programs(self.chunks())


@dataclass(frozen=True)
class LengthSpace:
    """Another space's programs by description length, shortest first (ties in the base order)."""

    base: Iterable[Program]

    def chunks(self, size: int = 1024) -> Iterator[ProgramChunk]:
        """All of the base (a length order needs them all), sorted, in chunks."""
        every = list(program_chunks(self.base, size))
        if not every:
            return
        joined = concat(every)
        order = np.lexsort((joined.index, joined.bits))
        ranked = joined.take(order, np.arange(len(order), dtype=np.int64))
        for start in range(0, len(ranked), size):
            yield ranked.take(np.arange(start, min(start + size, len(ranked))))

    def __iter__(self) -> Iterator[Program]:
        return _programs(self.chunks())


@dataclass(frozen=True)
class ListSpace:
    """A hand-built space: machines (or program strings) in the given order."""

    machines: tuple[TuringMachine, ...]
    bits: tuple[float, ...] | None = None
    infos: tuple[dict, ...] | None = None

    def __iter__(self) -> Iterator[Program]:
        for i, machine in enumerate(self.machines):
            bits = self.bits[i] if self.bits is not None else description_bits(machine)
            yield Program(machine, bits, i, dict(self.infos[i]) if self.infos is not None else {})


def solvers(space: Iterable[Program] | Iterable[TuringMachine], examples: Examples, budget: int) -> Iterator[Program]:
    """The programs of `space` that answer every example correctly within `budget` steps each.

    Examples are (input, accepted: bool) pairs for a language or (input, output: str) pairs for a
    function (output read from the head to the first blank), a Task, or Examples. Each solver
    carries its steps per example in `info["steps"]`.
    """
    items = as_examples(examples)
    if hasattr(space, "chunks"):
        yield from _chunk_solvers(program_chunks(space), items, budget)
        return
    block: list[Program] = []
    for i, p in enumerate(space):
        program = p if isinstance(p, Program) else Program(p, description_bits(p), i)
        if program.machine.n_tapes == 1:
            block.append(program)
            if len(block) < 1024:
                continue
        yield from _chunk_solvers(program_chunks(block), items, budget)
        block = []
        if program.machine.n_tapes > 1:  # the batch kernels are 1-tape: grade this one on its own
            result = run_examples(program.machine, items, budget)
            if result.solved:
                yield Program(program.machine, program.bits, program.index, {**program.info, "steps": result.steps})
    yield from _chunk_solvers(program_chunks(block), items, budget)


def _chunk_solvers(chunks: Iterable[ProgramChunk], items, budget: int) -> Iterator[Program]:
    cap = int(budget) * len(items)
    for chunk in chunks:
        # Most programs fail or loop on an early example: stop there, then grade only the solvers in full.
        _, result = verdict_chunk(chunk, items, np.full(len(chunk), cap, np.int64), budget)
        winners = chunk.take(np.flatnonzero(result == 1))
        if len(winners):
            steps, _, correct = grade_chunk(winners, items, budget)
            for i in np.flatnonzero(correct.all(axis=1)):
                p = winners.program(int(i))
                yield Program(p.machine, p.bits, p.index, {**p.info, "steps": steps[i]})


@dataclass(frozen=True)
class SolverSpace:
    """The space of machines filtered by "solves these examples"."""

    base: Iterable[Program]
    examples: tuple
    budget: int

    def __iter__(self) -> Iterator[Program]:
        return solvers(self.base, self.examples, self.budget)
