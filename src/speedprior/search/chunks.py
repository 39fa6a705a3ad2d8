"""Programs in blocks of flat tables, so that compiled kernels grade thousands of machines per call.

A search over a space walks it chunk by chunk: a TNF space yields its leaves as tables
straight from the compiled walk (no TuringMachine per program until one is wanted), any
other space of 1-tape Programs is stacked into tables here. Grading a chunk runs every
machine on the examples in parallel: all of them (`grade_chunk`), or in order until the
first failure, within a per-machine step cap (`verdict_chunk`, the searches' cost to a verdict).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from speedprior.errors import BudgetError
from speedprior.search import _kernels
from speedprior.search.enumerate import machine_from_tables
from speedprior.search.evaluate import Examples, as_examples, encoded_examples
from speedprior.search.program import Program, description_bits
from speedprior.tm.machine import HALT, UNDEFINED, TuringMachine

_UNDEFINED_NAMES = {HALT: "halt", -3: "reject"}


@dataclass(frozen=True)
class ProgramChunk:
    """Consecutive programs of a space as flat tables (row i: entry state * m + read)."""

    ns: np.ndarray  # int32 (count, states * m)
    wr: np.ndarray  # uint8
    mv: np.ndarray  # int64
    undefined: np.ndarray  # int64 stop code of an undefined transition, per row
    bits: np.ndarray  # float64
    index: np.ndarray  # int64 position in the space's order
    states: int
    symbols: tuple[str, ...]
    input_symbols: tuple[str, ...]
    programs: tuple[Program, ...] | None = None  # the Programs themselves, when the space gave them

    def __len__(self) -> int:
        return len(self.ns)

    def program(self, i: int) -> Program:
        """Row i as a Program (built from its tables unless the space supplied it)."""
        index = int(self.index[i])
        if self.programs is not None:
            p = self.programs[i]
            return p if p.index == index else Program(p.machine, p.bits, index, p.info)
        machine = machine_from_tables(self.ns[i], self.wr[i], self.mv[i], self.states, self.symbols,
                                      _UNDEFINED_NAMES[int(self.undefined[i])], self.input_symbols)
        return Program(machine, float(self.bits[i]), index)

    def take(self, rows: np.ndarray, index: np.ndarray | None = None) -> ProgramChunk:
        """The chunk of the given rows (renumbered by `index` when given)."""
        return ProgramChunk(self.ns[rows], self.wr[rows], self.mv[rows], self.undefined[rows], self.bits[rows],
                            self.index[rows] if index is None else index, self.states, self.symbols,
                            self.input_symbols,
                            None if self.programs is None else tuple(self.programs[int(r)] for r in rows))


def _stack(programs: Sequence[Program]) -> ProgramChunk:
    # Stack 1-tape machines over one alphabet, padding smaller tables with unreachable undefined rows.
    first = programs[0].machine
    states, m = max(p.machine.n_states for p in programs), first.n_symbols
    ns = np.full((len(programs), states, m), UNDEFINED, np.int32)
    wr = np.zeros((len(programs), states, m), np.uint8)
    mv = np.zeros((len(programs), states, m), np.int64)
    for i, p in enumerate(programs):
        q = p.machine.n_states
        ns[i, :q], wr[i, :q], mv[i, :q] = p.machine.next_state, p.machine.write[:, :, 0], p.machine.move[:, :, 0]
    size = states * m
    return ProgramChunk(ns.reshape(-1, size), wr.reshape(-1, size), mv.reshape(-1, size),
                        np.array([p.machine.undefined_code for p in programs], np.int64),
                        np.array([p.bits for p in programs], np.float64),
                        np.array([p.index for p in programs], np.int64), states, first.symbols,
                        first.input_symbols, tuple(programs))


def program_chunks(space: Iterable[Program] | Iterable[TuringMachine], size: int = 1024) -> Iterator[ProgramChunk]:
    """The space in chunks: natively when it has `chunks(size)`, else by stacking its Programs."""
    if hasattr(space, "chunks"):
        yield from space.chunks(size)
        return
    block: list[Program] = []
    for i, p in enumerate(space):
        program = p if isinstance(p, Program) else Program(p, description_bits(p), i)
        machine = program.machine
        if machine.n_tapes != 1:
            raise BudgetError(f"program {i} has {machine.n_tapes} tapes; search spaces hold 1-tape machines")
        if block and (machine.symbols != block[0].machine.symbols or
                      machine.input_symbols != block[0].machine.input_symbols or len(block) == size):
            yield _stack(block)
            block = []
        block.append(program)
    if block:
        yield _stack(block)


def concat(chunks: Sequence[ProgramChunk]) -> ProgramChunk:
    """One chunk holding all of `chunks` (one alphabet; smaller tables padded)."""
    if not chunks:
        raise BudgetError("no programs to join")
    states, m = max(c.states for c in chunks), len(chunks[0].symbols)
    if any(c.symbols != chunks[0].symbols for c in chunks):
        raise BudgetError("a space mixes tape alphabets; search one alphabet at a time")

    def pad(c: ProgramChunk, name: str, fill) -> np.ndarray:
        table = getattr(c, name).reshape(len(c), c.states, m)
        out = np.full((len(c), states, m), fill, table.dtype)
        out[:, : c.states] = table
        return out.reshape(len(c), states * m)

    programs = None
    if all(c.programs is not None for c in chunks):
        programs = tuple(p for c in chunks for p in c.programs)
    return ProgramChunk(np.concatenate([pad(c, "ns", UNDEFINED) for c in chunks]),
                        np.concatenate([pad(c, "wr", 0) for c in chunks]),
                        np.concatenate([pad(c, "mv", 0) for c in chunks]),
                        np.concatenate([c.undefined for c in chunks]), np.concatenate([c.bits for c in chunks]),
                        np.concatenate([c.index for c in chunks]), states, chunks[0].symbols,
                        chunks[0].input_symbols, programs)


def _encoding(chunk: ProgramChunk, examples: Examples):
    return encoded_examples(as_examples(examples), chunk.symbols, chunk.input_symbols)


def grade_chunk(chunk: ProgramChunk, examples: Examples, budget: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run every program on every example: steps, halted and correct, each (programs, examples)."""
    words, offsets, outputs, out_offsets, verdicts = _encoding(chunk, examples)
    shape = (len(chunk), len(verdicts))
    steps, stops, correct = np.zeros(shape, np.int64), np.zeros(shape, np.int64), np.zeros(shape, bool)
    _kernels.grade_tables(chunk.ns, chunk.wr, chunk.mv, len(chunk.symbols), chunk.undefined, words, offsets,
                          int(budget), verdicts, outputs, out_offsets, steps, stops, correct)
    return steps, stops < 0, correct


def verdict_chunk(chunk: ProgramChunk, examples: Examples, caps: np.ndarray, budget: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """`cost_to_verdict` for every program, each within its own cap: (costs, results 1/0/-1)."""
    words, offsets, outputs, out_offsets, verdicts = _encoding(chunk, examples)
    costs, results = np.zeros(len(chunk), np.int64), np.zeros(len(chunk), np.int64)
    _kernels.verdict_tables(chunk.ns, chunk.wr, chunk.mv, len(chunk.symbols), chunk.undefined, words, offsets,
                            int(budget), verdicts, outputs, out_offsets, np.asarray(caps, np.int64), costs, results)
    return costs, results


@dataclass(frozen=True)
class ChunkedSpace:
    """A space held in memory as chunks: walk it once, search it many times."""

    parts: tuple[ProgramChunk, ...]

    @classmethod
    def of(cls, space: Iterable[Program], size: int = 1024) -> ChunkedSpace:
        """Walk `space` once into chunks."""
        return cls(tuple(program_chunks(space, size)))

    def chunks(self, size: int = 1024) -> Iterator[ProgramChunk]:
        """The stored chunks (their own size)."""
        yield from self.parts

    def __len__(self) -> int:
        return sum(len(c) for c in self.parts)

    def __iter__(self) -> Iterator[Program]:
        for chunk in self.parts:
            for i in range(len(chunk)):
                yield chunk.program(i)
