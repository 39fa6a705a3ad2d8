"""Run machines: one input (with its final tape) or a batch (with per-input cost vectors).

`run` answers "what does this machine do on this input"; `run_batch` and `steps_profile`
answer "how many steps does it take on every input of length n", returning a CostProfile
keyed by input length for the measure layer.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from speedprior.errors import BudgetError
from speedprior.measure.inputs import MAX_ENUMERATED_WORDS, all_words, sample_words, sorted_words
from speedprior.measure.profile import CostProfile
from speedprior.tm import _kernels
from speedprior.tm.machine import ACCEPT, HALT, REJECT, TuringMachine

RUN_BUDGET = 100_000_000  # default for one run: enough for the 5-state busy beaver
STATS_BUDGET = 100_000  # default per input when measuring many inputs
INPUT_FAMILIES = ("all", "sorted")


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run."""

    halted: bool
    accepted: bool | None  # None: halted with no verdict, or did not halt
    steps: int
    ones: int  # non-blank cells on tape 1 at the end
    state: str  # 'halt', 'accept', 'reject' or the state the budget ran out in
    tape: str  # tape 1 from its leftmost to its rightmost non-blank cell, widened to reach the head
    head: int  # head position on tape 1, as an index into `tape`
    seconds: float

    def to_dict(self) -> dict:
        """The JSON form used by `speedprior tm run`."""
        return {"halted": self.halted, "accepted": self.accepted, "steps": self.steps, "ones": self.ones,
                "seconds": self.seconds}


@dataclass(frozen=True)
class BatchResult:
    """Per-input outcomes of a batch run, as arrays."""

    steps: np.ndarray  # int64
    halted: np.ndarray  # bool
    accepted: np.ndarray  # int8: 1 accept, 0 reject, -1 no verdict
    ones: np.ndarray  # int64
    lengths: np.ndarray  # int64, input lengths

    def profile(self, keys=None, weights=None) -> CostProfile:
        """The steps as a CostProfile, partitioned by input length unless `keys` are given."""
        return CostProfile(self.steps, self.halted, self.lengths if keys is None else np.asarray(keys),
                           weights, self.accepted)


def _check_budget(budget: int) -> int:
    budget = int(budget)
    if budget < 0 or budget > 2**62:
        raise BudgetError(f"step budget must lie in 0..2^62, got {budget}")
    return budget


def _flat_tables(machine: TuringMachine):
    return (machine.next_state.reshape(-1), machine.write.reshape(-1, machine.n_tapes),
            machine.move.reshape(-1, machine.n_tapes).astype(np.int64))


def _verdict(stop: int) -> bool | None:
    return True if stop == ACCEPT else False if stop == REJECT else None


def run(machine: TuringMachine, input: str = "", budget: int = RUN_BUDGET) -> RunResult:
    """Run `machine` on `input` (blank tape if empty) for at most `budget` steps."""
    budget = _check_budget(budget)
    word = machine.encode_input(input)
    next_state, write, move = _flat_tables(machine)
    m, k = machine.n_symbols, machine.n_tapes
    if k == 1:
        write1, move1 = np.ascontiguousarray(write[:, 0]), np.ascontiguousarray(move[:, 0])
        # A zero-budget call loads the compiled kernel, so `seconds` times the run alone.
        _kernels.run_word_1tape(next_state, write1, move1, m, machine.undefined_code, word, 0)
        start = time.perf_counter()
        steps, stop, tape, head = _kernels.run_word_1tape(
            next_state, write1, move1, m, machine.undefined_code, word, budget)
        marked = np.flatnonzero(tape)
        lo = min(int(marked[0]), head) if marked.size else head
        hi = max(int(marked[-1]), head) if marked.size else head
        first = tape[lo : hi + 1]
    else:
        _kernels.run_word_ktape(next_state, write, move, m, k, machine.undefined_code, word, 0)
        start = time.perf_counter()
        steps, stop, tapes, lo, hi, heads = _kernels.run_word_ktape(
            next_state, write, move, m, k, machine.undefined_code, word, budget)
        first, head = tapes[0, lo : hi + 1], heads[0]
    seconds = time.perf_counter() - start
    stop = int(stop)
    names = {HALT: "halt", ACCEPT: "accept", REJECT: "reject"}
    return RunResult(
        halted=stop < 0, accepted=_verdict(stop), steps=int(steps), ones=int(np.count_nonzero(first)),
        state=names.get(stop, machine.state_names[stop] if stop >= 0 else "halt"),
        tape="".join(machine.symbols[s] for s in first), head=int(head - lo), seconds=seconds,
    )


def run_batch(machine: TuringMachine, inputs: Sequence[str] | np.ndarray, budget: int = STATS_BUDGET) -> BatchResult:
    """Run every input (strings, or a 2-D array of input-alphabet indices) in parallel."""
    budget = _check_budget(budget)
    if isinstance(inputs, np.ndarray):
        if inputs.ndim != 2:
            raise BudgetError("an array of inputs must be 2-D: one word per row")
        alphabet = machine.input_alphabet_indices()
        if inputs.size and int(inputs.max()) >= len(alphabet):
            raise BudgetError("input array holds an index outside the input alphabet")
        words = alphabet[inputs].reshape(-1)
        lengths = np.full(inputs.shape[0], inputs.shape[1], dtype=np.int64)
    else:
        encoded = [machine.encode_input(s) for s in inputs]
        lengths = np.array([len(w) for w in encoded], dtype=np.int64)
        words = np.concatenate(encoded) if encoded else np.zeros(0, dtype=np.uint8)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    count = len(lengths)
    steps = np.zeros(count, dtype=np.int64)
    stops = np.zeros(count, dtype=np.int64)
    ones = np.zeros(count, dtype=np.int64)
    next_state, write, move = _flat_tables(machine)
    _kernels.run_batch(next_state, write, move, machine.n_symbols, machine.n_tapes, machine.undefined_code,
                       np.ascontiguousarray(words, dtype=np.uint8), offsets, budget, steps, stops, ones)
    accepted = np.where(stops == ACCEPT, 1, np.where(stops == REJECT, 0, -1)).astype(np.int8)
    return BatchResult(steps, stops < 0, accepted, ones, lengths)


def steps_profile(
    machine: TuringMachine,
    lengths: Iterable[int],
    budget: int = STATS_BUDGET,
    sample: int | None = None,
    seed: int = 0,
    progress=None,
    family: str = "all",
) -> BatchResult:
    """Run every input of each length (or `sample` seeded random ones per length) and concatenate.

    `family` is "all" (every word) or "sorted" (words whose symbols never decrease, in the
    input alphabet's order). `progress`, if given, wraps the iterable of lengths.
    """
    if family not in INPUT_FAMILIES:
        raise BudgetError(f"unknown input family {family!r}; use one of {', '.join(INPUT_FAMILIES)}")
    k = len(machine.input_symbols)
    lengths = list(lengths)
    for n in lengths:  # refuse an impossible request before running any length
        if family == "all" and (sample is None or k**n <= sample) and k**n > MAX_ENUMERATED_WORDS:
            raise BudgetError(f"{k}^{n} = {k**n} inputs of length {n} is too many to enumerate; "
                              f"use --sample or shorter lengths")
    results = []
    for n in progress(lengths) if progress else lengths:
        if family == "sorted":
            words = sorted_words(k, n)
        elif sample is not None and k**n > sample:
            words = sample_words(k, n, sample, seed + n)
        else:
            words = all_words(k, n)
        results.append(run_batch(machine, words, budget))
    return BatchResult(*(np.concatenate([getattr(r, f) for r in results]) for f in
                         ("steps", "halted", "accepted", "ones", "lengths")))
