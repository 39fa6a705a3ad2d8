"""Run machines: one input (with its final tape) or a batch (with per-input cost vectors).

`run` answers "what does this machine do on this input"; `run_batch` and `steps_profile`
answer "how many steps does it take on every input of length n", returning a CostProfile
keyed by input length for the measure layer.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numba
import numpy as np

from speedprior.errors import BudgetError
from speedprior.measure.inputs import (
    MAX_ENUMERATED_WORDS,
    MAX_SEED,
    all_words,
    check_seed,
    count_words,
    sample_words,
    sorted_words,
)
from speedprior.measure.profile import CostProfile
from speedprior.tm import _decide, _interrupt, _kernels
from speedprior.tm.machine import ACCEPT, HALT, REJECT, TuringMachine

RUN_BUDGET = 100_000_000  # default for one run: enough for the 5-state busy beaver
STATS_BUDGET = 100_000  # default per input when measuring many inputs
INPUT_FAMILIES = ("all", "sorted")
# Limits of a measurement over many inputs (steps_profile, `tm stats`), checked before any work:
MAX_INPUT_BYTES = 1 << 30  # estimated memory of the inputs and their results: 1 GiB
BYTES_PER_INPUT = 96  # per-input results and bookkeeping, measured on `tm stats` (about 75)
MAX_WORST_CASE_STEPS = 1 << 40  # inputs x budget, the steps taken should no input halt (~1.1e12)
MAX_LENGTHS = 10_000  # input lengths in one request
MAX_TAPE_BYTES = 256 << 20  # tape memory of one run, or of all a batch's threads together: 256 MiB
# Steps over which the non-halting deciders watch a run (before `run`, after a batch run
# that exhausted its budget): loops found later are reported as "budget".
DECIDE_STEPS = 1 << 16
DECIDE_WARM = 64  # steps before the deciders start watching


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run."""

    halted: bool
    accepted: bool | None  # None: halted with no verdict, or did not halt
    steps: int
    ones: int  # non-blank cells on tape 1 at the end
    state: str  # 'halt', 'accept', 'reject' or the state the run ended in
    tape: str  # tape 1 from its leftmost to its rightmost non-blank cell, widened to reach the head
    head: int  # head position on tape 1, as an index into `tape`
    seconds: float
    # 'halt', 'accept', 'reject'; 'cycler' or 'translated-cycler' (proved never to halt at
    # step `steps`, see tm/_decide.py); or 'budget' (still running when the budget ran out).
    verdict: str = "budget"

    def to_dict(self) -> dict:
        """The JSON form used by `speedprior tm run`."""
        return {"halted": self.halted, "accepted": self.accepted, "steps": self.steps, "ones": self.ones,
                "verdict": self.verdict, "seconds": self.seconds}


@dataclass(frozen=True)
class BatchResult:
    """Per-input outcomes of a batch run, as arrays."""

    steps: np.ndarray  # int64
    halted: np.ndarray  # bool
    accepted: np.ndarray  # int8: 1 accept, 0 reject, -1 no verdict
    ones: np.ndarray  # int64
    lengths: np.ndarray  # int64, input lengths
    # int8 per input: 1 cycler, 2 translated cycler (1 tape only) (proved never to halt,
    # tm/_decide.py), else 0
    # (halted, or not decided within DECIDE_STEPS; a decided input's steps are still the budget)
    nonhalting: np.ndarray | None = None

    def profile(self, keys=None, weights=None) -> CostProfile:
        """The steps as a CostProfile, partitioned by input length unless `keys` are given."""
        return CostProfile(self.steps, self.halted, self.lengths if keys is None else np.asarray(keys),
                           weights, self.accepted)


def _check_budget(budget: int) -> int:
    budget = int(budget)
    if budget < 0 or budget > 2**62:
        raise BudgetError(f"step budget must lie in 0..2^62, got {budget}")
    return budget


def _tape_cells(max_tape_bytes: int, tapes: int) -> int:
    if isinstance(max_tape_bytes, bool) or not 1 <= int(max_tape_bytes) <= 2**62:
        raise BudgetError(f"the tape limit must lie in 1..2^62 bytes, got {max_tape_bytes}")
    return max(int(max_tape_bytes) // tapes, 1)


def _tape_full(max_tape_bytes: int, steps: int, threads: int = 1) -> BudgetError:
    shared = f", shared by {threads} threads" if threads > 1 else ""
    return BudgetError(f"the tape outgrew the limit of {max_tape_bytes / (1 << 20):,.0f} MiB{shared} after "
                       f"{steps:,} steps; lower the budget or raise the limit (--max-tape-mb, max_tape_bytes=)")


def _flat_tables(machine: TuringMachine):
    return (machine.next_state.reshape(-1), machine.write.reshape(-1, machine.n_tapes),
            machine.move.reshape(-1, machine.n_tapes).astype(np.int64))


def _verdict(stop: int) -> bool | None:
    return True if stop == ACCEPT else False if stop == REJECT else None


def run(machine: TuringMachine, input: str = "", budget: int = RUN_BUDGET,
        max_tape_bytes: int = MAX_TAPE_BYTES, decide: bool = True) -> RunResult:
    """Run `machine` on `input` (blank tape if empty) for at most `budget` steps.

    With `decide`, a run proved never to halt within its first DECIDE_STEPS steps stops there,
    with verdict "cycler" or "translated-cycler" (1 tape; k tapes: "cycler" alone) and `steps`
    the step of the proof. Raises BudgetError if the tapes would grow past `max_tape_bytes` (one byte a cell).
    """
    budget = _check_budget(budget)
    max_cells = _tape_cells(max_tape_bytes, machine.n_tapes)
    word = machine.encode_input(input)
    next_state, write, move = _flat_tables(machine)
    m, k = machine.n_symbols, machine.n_tapes
    idle = np.zeros(1, dtype=np.uint8)
    if k == 1:
        write1, move1 = np.ascontiguousarray(write[:, 0]), np.ascontiguousarray(move[:, 0])
        decided = _decided_run(machine, next_state, write1, move1, word, budget, max_cells) if decide else None
        if decided is not None:
            return decided
        # A zero-budget call loads the compiled kernel, so `seconds` times the run alone.
        _kernels.run_word_1tape(next_state, write1, move1, m, machine.undefined_code, word, 0, max_cells, idle)
        start = time.perf_counter()
        steps, stop, tape, head = _interrupt.call(
            _kernels.run_word_1tape, next_state, write1, move1, m, machine.undefined_code, word, budget,
            max_cells, work=budget)
        if stop == _kernels.TAPE_FULL:
            raise _tape_full(max_tape_bytes, int(steps))
        marked = tape != 0  # one byte a cell: find the ends without an index array
        if marked.any():
            lo = min(int(marked.argmax()), head)
            hi = max(len(tape) - 1 - int(marked[::-1].argmax()), head)
        else:
            lo = hi = head
        first = tape[lo : hi + 1]
    else:
        decided = _decided_run_ktape(machine, next_state, write, move, word, budget, max_cells) if decide else None
        if decided is not None:
            return decided
        _kernels.run_word_ktape(next_state, write, move, m, k, machine.undefined_code, word, 0, max_cells, idle)
        start = time.perf_counter()
        steps, stop, tapes, lo, hi, heads = _interrupt.call(
            _kernels.run_word_ktape, next_state, write, move, m, k, machine.undefined_code, word, budget,
            max_cells, work=budget)
        if stop == _kernels.TAPE_FULL:
            raise _tape_full(max_tape_bytes, int(steps))
        first, head = tapes[0, lo : hi + 1], heads[0]
    seconds = time.perf_counter() - start
    stop = int(stop)
    names = {HALT: "halt", ACCEPT: "accept", REJECT: "reject"}
    state = names.get(stop, machine.state_names[stop] if stop >= 0 else "halt")
    return RunResult(
        halted=stop < 0, accepted=_verdict(stop), steps=int(steps), ones=int(np.count_nonzero(first)),
        state=state, tape=_text(machine.symbols, first), head=int(head - lo), seconds=seconds,
        verdict=state if stop < 0 else "budget",
    )


def _decided_run(machine: TuringMachine, next_state, write, move, word, budget: int, max_cells: int):
    """The RunResult of a 1-tape run the deciders prove never halts within DECIDE_STEPS, else None."""
    limit = min(budget, DECIDE_STEPS)
    if 2 * limit + len(word) + 3 > max_cells:
        return None  # the deciders' fixed tape would break the tape limit: run without them
    _decide.decide_word(next_state, write, move, machine.n_symbols, word, 0, DECIDE_WARM)  # load, untimed
    start = time.perf_counter()
    _, state, steps, reason, tape, head, lo, hi = _decide.decide_word(next_state, write, move, machine.n_symbols,
                                                                      word, limit, DECIDE_WARM)
    if reason == _decide.NONE:
        return None
    seconds = time.perf_counter() - start
    marked = np.flatnonzero(tape[lo : hi + 1]) + lo
    first_cell = min(int(marked[0]), head) if marked.size else head
    last_cell = max(int(marked[-1]), head) if marked.size else head
    cells = tape[first_cell : last_cell + 1]
    return RunResult(halted=False, accepted=None, steps=int(steps), ones=int(np.count_nonzero(cells)),
                     state=machine.state_names[int(state)], tape=_text(machine.symbols, cells),
                     head=int(head - first_cell), seconds=seconds, verdict=_decide.REASONS[int(reason)])


def _decided_run_ktape(machine: TuringMachine, next_state, write, move, word, budget: int, max_cells: int):
    """The RunResult of a k-tape run the cycler test proves never halts within DECIDE_STEPS, else None.

    Its tape is tape 1 over the cells any head visited, as a k-tape run that ends otherwise.
    """
    limit = min(budget, DECIDE_STEPS)
    if 2 * limit + len(word) + 3 > max_cells:
        return None  # the deciders' fixed tapes would break the tape limit: run without them
    m, k = machine.n_symbols, machine.n_tapes
    _decide.decide_word_ktape(next_state, write, move, m, k, word, 0, DECIDE_WARM)  # load, untimed
    start = time.perf_counter()
    _, state, steps, reason, tapes, heads, lo, hi = _decide.decide_word_ktape(next_state, write, move, m, k, word,
                                                                              limit, DECIDE_WARM)
    if reason == _decide.NONE:
        return None
    seconds = time.perf_counter() - start
    first = tapes[0, lo : hi + 1]
    return RunResult(halted=False, accepted=None, steps=int(steps), ones=int(np.count_nonzero(first)),
                     state=machine.state_names[int(state)], tape=_text(machine.symbols, first),
                     head=int(heads[0] - lo), seconds=seconds, verdict=_decide.REASONS[int(reason)])


def _text(symbols: Sequence[str], cells: np.ndarray) -> str:
    """The tape as text, vectorised (a tape may hold hundreds of millions of cells)."""
    if all(ord(s) < 128 for s in symbols):
        table = np.frombuffer("".join(symbols).encode("ascii"), dtype=np.uint8)
        return table[cells].tobytes().decode("ascii")
    table = np.array([ord(s) for s in symbols], dtype="<u4")
    return table[cells].tobytes().decode("utf-32-le")


def run_batch(machine: TuringMachine, inputs: Sequence[str] | np.ndarray, budget: int = STATS_BUDGET,
              max_tape_bytes: int = MAX_TAPE_BYTES) -> BatchResult:
    """Run every input (strings, or a 2-D array of input-alphabet indices) in parallel.

    The threads' tapes together stay within `max_tape_bytes`; a run that would need more
    raises BudgetError.
    """
    budget = _check_budget(budget)
    max_cells = _tape_cells(max_tape_bytes, machine.n_tapes * numba.get_num_threads())
    if isinstance(inputs, np.ndarray):
        if inputs.ndim != 2:
            raise BudgetError("an array of inputs must be 2-D: one word per row")
        alphabet = machine.input_alphabet_indices()
        if inputs.size and (int(inputs.max()) >= len(alphabet) or int(inputs.min()) < 0):
            raise BudgetError("input array holds an index outside the input alphabet")
        if np.array_equal(alphabet, np.arange(alphabet[0], alphabet[0] + len(alphabet))):
            words = (inputs.astype(np.uint8, copy=False) + alphabet[0]).reshape(-1)  # codes in a row: a vector add
        else:
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
    reasons = np.zeros(count, dtype=np.int8)
    next_state, write, move = _flat_tables(machine)
    decide_steps = DECIDE_STEPS if 2 * DECIDE_STEPS + int(lengths.max(initial=0)) + 3 <= max_cells else 0
    _interrupt.call(_kernels.run_batch, next_state, write, move, machine.n_symbols, machine.n_tapes,
                    machine.undefined_code, np.ascontiguousarray(words, dtype=np.uint8), offsets, budget, max_cells,
                    decide_steps, DECIDE_WARM, steps, stops, ones, reasons, work=budget * max(count, 1))
    if np.any(stops == _kernels.TAPE_FULL):
        raise _tape_full(max_tape_bytes, int(steps[stops == _kernels.TAPE_FULL][0]), numba.get_num_threads())
    accepted = np.where(stops == ACCEPT, 1, np.where(stops == REJECT, 0, -1)).astype(np.int8)
    return BatchResult(steps, stops < 0, accepted, ones, lengths, reasons)


def estimate_inputs(alphabet_size: int, lengths: Sequence[int], family: str = "all",
                    sample: int | None = None) -> tuple[int, int]:
    """(inputs, bytes) that measuring every length would take: words and per-input results."""
    count, size = 0, 0
    for n in lengths:
        c = count_words(alphabet_size, n, family, None if family == "sorted" else sample)
        count += c
        size += c * (2 * n + BYTES_PER_INPUT)  # words are built, then re-coded to tape symbols
    return count, size


def steps_profile(
    machine: TuringMachine,
    lengths: Iterable[int],
    budget: int = STATS_BUDGET,
    sample: int | None = None,
    seed: int = 0,
    progress=None,
    family: str = "all",
    max_bytes: int = MAX_INPUT_BYTES,
    max_steps: int = MAX_WORST_CASE_STEPS,
    max_tape_bytes: int = MAX_TAPE_BYTES,
) -> BatchResult:
    """Run every input of each length (or `sample` seeded random ones per length) and concatenate.

    `family` is "all" (every word) or "sorted" (words whose symbols never decrease, in the
    input alphabet's order). `progress`, if given, wraps the iterable of lengths. Before any
    input is built, the request is refused (BudgetError) if its inputs would take more than
    `max_bytes` of memory or, should none of them halt, more than `max_steps` steps in all.
    """
    if family not in INPUT_FAMILIES:
        raise BudgetError(f"unknown input family {family!r}; use one of {', '.join(INPUT_FAMILIES)}")
    budget = _check_budget(budget)
    seed = check_seed(seed)
    if sample is not None and (isinstance(sample, bool) or not 1 <= int(sample) <= MAX_ENUMERATED_WORDS):
        raise BudgetError(f"sample must lie in 1..{MAX_ENUMERATED_WORDS:,} inputs per length, got {sample}")
    if isinstance(lengths, range) and len(lengths) > MAX_LENGTHS:  # never list a range of 10^12 lengths
        raise BudgetError(f"{len(lengths):,} input lengths is over the limit of {MAX_LENGTHS:,}; "
                          f"use a STEP (A:B:STEP) or a shorter range")
    lengths = [int(n) for n in itertools.islice(lengths, MAX_LENGTHS + 1)]
    if len(lengths) > MAX_LENGTHS or any(n < 0 for n in lengths):
        raise BudgetError(f"input lengths must be at most {MAX_LENGTHS:,} non-negative numbers")
    k = len(machine.input_symbols)
    count, size = estimate_inputs(k, lengths, family, sample)
    if size > max_bytes:
        raise BudgetError(f"{_amount(count)} inputs over lengths {lengths[0]}..{lengths[-1]} would take about "
                          f"{_mib(size)}, over the limit of {_mib(max_bytes)}; use --sample, shorter --lengths, "
                          f"or raise the limit (--max-mb, max_bytes=)")
    if count * budget > max_steps:
        raise BudgetError(f"{_amount(count)} inputs x budget {budget:,} = {_amount(count * budget)} steps should "
                          f"none halt, over the limit of {max_steps:,}; lower --budget, use --sample, or raise "
                          f"the limit (--max-steps, max_steps=)")
    results = []
    for n in progress(lengths) if progress else lengths:
        if family == "sorted":
            words = sorted_words(k, n)
        elif sample is not None and count_words(k, n) > sample:
            words = sample_words(k, n, sample, (seed + n) % (MAX_SEED + 1))
        else:
            words = all_words(k, n)
        results.append(run_batch(machine, words, budget, max_tape_bytes))
    if not results:
        return BatchResult(*(np.zeros(0, dtype=t) for t in (np.int64, bool, np.int8, np.int64, np.int64, np.int8)))
    return BatchResult(*(np.concatenate([getattr(r, f) for r in results]) for f in
                         ("steps", "halted", "accepted", "ones", "lengths", "nonhalting")))


def _amount(n: int) -> str:
    return f"{n:,}" if n < 10**15 else f"{n:.3g}"


def _mib(n: int) -> str:
    if n < 1 << 20:
        return f"{n:,} bytes"
    return f"{n / (1 << 20):,.0f} MiB" if n < 1 << 40 else f"{n / (1 << 40):.3g} TiB"
