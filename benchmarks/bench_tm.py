"""Turing machine kernel speed against a plain C loop over the same tables, on this CPU.

Compiles benchmarks/tm_reference.c with the system compiler (`cc -O2`; skipped with a
message where there is none) and times, as the fastest of REPEATS runs each:
- bb5 from the blank tape (47,176,870 steps), the compiled kernel against the C loop;
- every input of length 0..18 to sipser-0n1n-halving (budget 100,000 each), the compiled
  batch on one thread against the C loop (one thread), and the batch on every thread;
- k tapes, against the plain C k-tape loop of benchmarks/tm_reference_ktape.c: BOUNCE, a
  2-tape machine that never halts, for 50,000,000 steps from blank tapes (its heads sweep a
  growing stretch of tape 2 and flip tape 1 as they go), and every input of length 0..18 to
  sipser-0n1n-2tape (budget 100,000 each), the batch kernel on one thread over words built
  beforehand (the C loop builds its own as it goes; the time through `run_batch`, which
  encodes the inputs on every call, is printed beside it). These runs are short (a few steps
  each), so the batch measures the cost of starting and clearing a run.
Times are CPU time of this process (time.process_time; the C loop the same), so that on a
machine shared with other work the time given to other processes is not counted; the batch
on every thread is wall time. Prints the CPU model, the times, their spread over the repeats
(cache and frequency effects of a shared machine remain) and the ratio kernel time / C time.
Target: ratio <= 1.5 (1 tape), <= 2.0 (k tapes).

    .venv/bin/python benchmarks/bench_tm.py
"""

import os
import subprocess
import tempfile
import time

import numba
import numpy as np
from timing import compile_c, cpu_model, spread

from speedprior.measure.inputs import all_words
from speedprior.tm import _kernels, get_machine, parse_spec, run
from speedprior.tm.run import DECIDE_STEPS, DECIDE_WARM, run_batch

REPEATS = 5
LENGTHS = range(0, 19)
BATCH_BUDGET = 100_000
KTAPE_BUDGET = 50_000_000
HERE = os.path.dirname(os.path.abspath(__file__))
BOUNCE = """
name = "bounce"
tapes = 2
symbols = "_1"
transitions = [
  # sweep right over tape 2's ones while tape 1's head walks left flipping cells; extend tape 2 by one
  "right _1 -> right 11 LR", "right 11 -> right _1 LR", "right __ -> left 11 RL", "right 1_ -> left _1 RL",
  # sweep back left, flipping the other way, and turn at tape 2's left end
  "left _1 -> left 11 RL", "left 11 -> left _1 RL", "left __ -> right __ LR", "left 1_ -> right 1_ LR",
]
"""


def reference(binary: str, machine, budget: int, mode: int, extra: str = "") -> tuple[int, int, float]:
    """(steps, ones, fastest seconds) of a C loop on `machine`: mode 0 blank tape, 1 every word of LENGTHS.

    A 1-tape machine goes to tm_reference.c's protocol, a k-tape one to tm_reference_ktape.c's.
    """
    k = machine.n_tapes
    if k == 1:
        lines = [f"{machine.n_states} {machine.n_symbols} {budget} {REPEATS} {mode}"]
    else:
        lines = [f"{machine.n_states} {machine.n_symbols} {k} {budget} {REPEATS} {mode}"]
    for ns, w, d in zip(machine.next_state.reshape(-1), machine.write.reshape(-1, k), machine.move.reshape(-1, k),
                        strict=True):
        lines.append(" ".join(str(int(x)) for x in (ns, *w, *d)))
    out = subprocess.run([binary], input="\n".join(lines) + "\n" + extra, capture_output=True, text=True, check=True)
    steps, ones, seconds = out.stdout.split()
    return int(steps), int(ones), float(seconds)


def batch_words(machine) -> str:
    """The C reference's description of the batch: lengths and the input alphabet's tape codes."""
    codes = " ".join(str(int(c)) for c in machine.input_alphabet_indices())
    return f"{LENGTHS.start} {LENGTHS.stop - 1} {len(machine.input_symbols)} {codes}"


def bb5_kernel(machine):
    tables = (machine.next_state.reshape(-1), np.ascontiguousarray(machine.write.reshape(-1)),
              np.ascontiguousarray(machine.move.reshape(-1)).astype(np.int64))
    word, idle = np.zeros(0, np.uint8), np.zeros(1, np.uint8)
    return _kernels.run_word_1tape(*tables, machine.n_symbols, machine.undefined_code, word, 10**9, 1 << 32, idle)[0]


def ktape_kernel(machine, budget):
    k = machine.n_tapes
    tables = (machine.next_state.reshape(-1), machine.write.reshape(-1, k),
              machine.move.reshape(-1, k).astype(np.int64))
    word, idle = np.zeros(0, np.uint8), np.zeros(1, np.uint8)
    steps, _, tapes, _, _, _ = _kernels.run_word_ktape(*tables, machine.n_symbols, k, machine.undefined_code, word,
                                                       budget, 1 << 32, idle)
    return steps, int(np.count_nonzero(tapes[0]))


def batch(machine, words_by_length):
    return sum(int(run_batch(machine, w, BATCH_BUDGET).steps.sum()) for w in words_by_length)


def prepared_batch(machine, words_by_length):
    """The batch kernel's arguments for every word of LENGTHS, built once (as the C loop builds its words)."""
    words = np.concatenate([machine.input_alphabet_indices()[w].reshape(-1) for w in words_by_length])
    lengths = np.concatenate([np.full(len(w), w.shape[1], dtype=np.int64) for w in words_by_length])
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    k = machine.n_tapes
    return (machine.next_state.reshape(-1), machine.write.reshape(-1, k), machine.move.reshape(-1, k).astype(np.int64),
            machine.n_symbols, k, machine.undefined_code, np.ascontiguousarray(words, dtype=np.uint8), offsets)


def batch_kernel(prepared):
    """The compiled batch over prepared words: steps, stops, ones and reasons as run_batch fills them."""
    count = prepared[-1].shape[0] - 1
    steps, stops, ones = (np.zeros(count, dtype=np.int64) for _ in range(3))
    _kernels.run_batch(*prepared, BATCH_BUDGET, 1 << 30, DECIDE_STEPS, DECIDE_WARM, steps, stops, ones,
                       np.zeros(count, dtype=np.int8), np.zeros(1, dtype=np.uint8))
    return int(steps.sum())


def one_thread(function):
    """`spread` of REPEATS calls of `function` with numba on one thread."""
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        return spread(REPEATS, function)
    finally:
        numba.set_num_threads(previous)


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f} (target <= {target}: {'met' if ratio <= target else 'MISSED'})"


def main():
    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical cores); load average {os.getloadavg()[0]:.1f}")
    bb5 = get_machine("bb5")
    run(bb5, budget=1000)
    bb5_kernel(bb5)  # compile or load the cached kernels
    best, worst, steps = spread(REPEATS, lambda: bb5_kernel(bb5))
    assert steps == 47_176_870
    halving = get_machine("sipser-0n1n-halving")
    words = [all_words(len(halving.input_symbols), n) for n in LENGTHS]
    batch(halving, words[:4])
    b_best, b_worst, b_steps = one_thread(lambda: batch(halving, words))
    t_best, t_worst, _ = spread(REPEATS, lambda: batch(halving, words), clock=time.perf_counter)
    bounce = parse_spec(BOUNCE, source="bounce")
    ktape_kernel(bounce, 1000)
    k_best, k_worst, (k_steps, k_ones) = spread(REPEATS, lambda: ktape_kernel(bounce, KTAPE_BUDGET))
    copy = get_machine("sipser-0n1n-2tape")
    copy_words = [all_words(len(copy.input_symbols), n) for n in LENGTHS]
    prepared = prepared_batch(copy, copy_words)
    batch_kernel(prepared)
    kb_best, kb_worst, kb_steps = one_thread(lambda: batch_kernel(prepared))
    kr_best, _, kr_steps = one_thread(lambda: batch(copy, copy_words))
    assert kr_steps == kb_steps
    print(f"bb5 kernel:          {best:.3f} s fastest of {REPEATS} (slowest {worst:.3f} s)")
    print(f"halving 0..18 batch: {b_best:.3f} s on 1 thread (slowest {b_worst:.3f} s); {t_best:.3f} s on "
          f"{numba.get_num_threads()} threads (wall); {b_steps:,} steps")
    print(f"bounce, 2 tapes:     {k_best:.3f} s (slowest {k_worst:.3f} s); {k_steps:,} steps")
    print(f"2-tape 0..18 batch:  {kb_best:.3f} s on 1 thread (slowest {kb_worst:.3f} s); {kb_steps:,} steps; "
          f"{kr_best:.3f} s through run_batch (inputs encoded per call)")
    with tempfile.TemporaryDirectory() as folder:
        binary = compile_c("tm_reference.c", folder)
        binary_ktape = compile_c("tm_reference_ktape.c", folder)
        if binary is None or binary_ktape is None:
            print("no C compiler (cc, gcc or clang): the C reference and the ratios are skipped")
            return
        c_steps, _, c_bb5 = reference(binary, bb5, 10**9, 0)
        assert c_steps == 47_176_870
        c_batch_steps, _, c_batch = reference(binary, halving, BATCH_BUDGET, 1, batch_words(halving))
        assert c_batch_steps == b_steps, (c_batch_steps, b_steps)
        c_k_steps, c_k_ones, c_k = reference(binary_ktape, bounce, KTAPE_BUDGET, 0)
        assert (c_k_steps, c_k_ones) == (k_steps, k_ones), (c_k_steps, c_k_ones, k_steps, k_ones)
        c_kb_steps, _, c_kb = reference(binary_ktape, copy, BATCH_BUDGET, 1, batch_words(copy))
        assert c_kb_steps == kb_steps, (c_kb_steps, kb_steps)
    print(f"C loop (cc -O2):     bb5 {c_bb5:.3f} s; halving batch {c_batch:.3f} s (1 thread)")
    print(f"C k-tape loop:       bounce {c_k:.3f} s; 2-tape batch {c_kb:.3f} s (1 thread)")
    for name, ratio, target in (("bb5", best / c_bb5, 1.5), ("halving batch, 1 thread", b_best / c_batch, 1.5),
                                ("bounce, 2 tapes", k_best / c_k, 2.0),
                                ("sipser-0n1n-2tape batch, 1 thread", kb_best / c_kb, 2.0)):
        print(f"ratio kernel / C, {name}: {verdict(ratio, target)}")


if __name__ == "__main__":
    main()
