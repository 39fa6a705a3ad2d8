"""Turing machine kernel speed against a plain C loop over the same tables, on this CPU.

Compiles benchmarks/tm_reference.c with the system compiler (`cc -O2`; skipped with a
message where there is none) and times, as the fastest of REPEATS runs each:
- bb5 from the blank tape (47,176,870 steps), the compiled kernel against the C loop;
- every input of length 0..18 to sipser-0n1n-halving (budget 100,000 each), the compiled
  batch on one thread against the C loop (one thread), and the batch on every thread.
Times are CPU time of this process (time.process_time; the C loop the same), so that on a
machine shared with other work the time given to other processes is not counted; the batch
on every thread is wall time. Prints the CPU model, the times, their spread over the repeats
(cache and frequency effects of a shared machine remain) and the ratio kernel time / C time.
Target: ratio <= 1.5.

    .venv/bin/python benchmarks/bench_tm.py
"""

import os
import shutil
import subprocess
import tempfile
import time

import numba
import numpy as np
from timing import cpu_model

from speedprior.measure.inputs import all_words
from speedprior.tm import _kernels, get_machine, run
from speedprior.tm.run import run_batch

REPEATS = 5
LENGTHS = range(0, 19)
BATCH_BUDGET = 100_000
HERE = os.path.dirname(os.path.abspath(__file__))


def compile_reference(folder: str) -> str | None:
    """Path of the compiled C reference, or None when there is no C compiler."""
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        return None
    binary = os.path.join(folder, "tm_reference")
    subprocess.run([compiler, "-O2", "-o", binary, os.path.join(HERE, "tm_reference.c")], check=True)
    return binary


def reference(binary: str, machine, budget: int, mode: int, extra: str = "") -> tuple[int, float]:
    """(steps, fastest seconds) of the C loop on `machine`: mode 0 blank tape, 1 every word of LENGTHS."""
    lines = [f"{machine.n_states} {machine.n_symbols} {budget} {REPEATS} {mode}"]
    for ns, w, d in zip(machine.next_state.reshape(-1), machine.write.reshape(-1), machine.move.reshape(-1),
                        strict=True):
        lines.append(f"{ns} {w} {d}")
    out = subprocess.run([binary], input="\n".join(lines) + "\n" + extra, capture_output=True, text=True, check=True)
    steps, _, seconds = out.stdout.split()
    return int(steps), float(seconds)


def fastest(function, repeats=REPEATS, clock=time.process_time) -> tuple[float, float, object]:
    """(fastest, slowest seconds by `clock`, last result) of `repeats` calls."""
    times = []
    for _ in range(repeats):
        start = clock()
        result = function()
        times.append(clock() - start)
    return min(times), max(times), result


def bb5_kernel(machine):
    tables = (machine.next_state.reshape(-1), np.ascontiguousarray(machine.write.reshape(-1)),
              np.ascontiguousarray(machine.move.reshape(-1)).astype(np.int64))
    word, idle = np.zeros(0, np.uint8), np.zeros(1, np.uint8)
    return _kernels.run_word_1tape(*tables, machine.n_symbols, machine.undefined_code, word, 10**9, 1 << 32, idle)[0]


def batch(machine, words_by_length):
    return sum(int(run_batch(machine, w, BATCH_BUDGET).steps.sum()) for w in words_by_length)


def main():
    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical cores); load average {os.getloadavg()[0]:.1f}")
    bb5 = get_machine("bb5")
    run(bb5, budget=1000)
    bb5_kernel(bb5)  # compile or load the cached kernels
    best, worst, steps = fastest(lambda: bb5_kernel(bb5))
    assert steps == 47_176_870
    halving = get_machine("sipser-0n1n-halving")
    words = [all_words(len(halving.input_symbols), n) for n in LENGTHS]
    batch(halving, words[:4])
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        b_best, b_worst, b_steps = fastest(lambda: batch(halving, words))
    finally:
        numba.set_num_threads(previous)
    t_best, t_worst, _ = fastest(lambda: batch(halving, words), clock=time.perf_counter)
    print(f"bb5 kernel:          {best:.3f} s fastest of {REPEATS} (slowest {worst:.3f} s)")
    print(f"halving 0..18 batch: {b_best:.3f} s on 1 thread (slowest {b_worst:.3f} s); {t_best:.3f} s on "
          f"{previous} threads (wall); {b_steps:,} steps")
    with tempfile.TemporaryDirectory() as folder:
        binary = compile_reference(folder)
        if binary is None:
            print("no C compiler (cc, gcc or clang): the C reference and the ratios are skipped")
            return
        c_steps, c_bb5 = reference(binary, bb5, 10**9, 0)
        assert c_steps == 47_176_870
        codes = " ".join(str(int(c)) for c in halving.input_alphabet_indices())
        c_batch_steps, c_batch = reference(binary, halving, BATCH_BUDGET, 1,
                                           f"{LENGTHS.start} {LENGTHS.stop - 1} {len(halving.input_symbols)} {codes}")
        assert c_batch_steps == b_steps, (c_batch_steps, b_steps)
    print(f"C loop (cc -O2):     bb5 {c_bb5:.3f} s; halving batch {c_batch:.3f} s (1 thread)")
    for name, ratio in (("bb5", best / c_bb5), ("halving batch, 1 thread", b_best / c_batch)):
        print(f"ratio kernel / C, {name}: {ratio:.2f} (target <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'})")


if __name__ == "__main__":
    main()
