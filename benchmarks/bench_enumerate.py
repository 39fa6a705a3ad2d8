"""TNF walk speed against a plain C walk of the same tree, on this CPU.

Compiles benchmarks/enumerate_reference.c with the system compiler (`cc -O2`; skipped with a
message where there is none), a depth-first walk of bbchallenge's TNF-1RB tree with one tape
snapshot per level and no deciders, and times on two spaces (all 4-state 2-symbol machines at
budget 107, 620,261 of them; all 2-state 4-symbol machines at BB24_BUDGET, default 3,000,
where the C walk takes a few seconds):
- `enumerate_blank(..., workers=1, decide=False)`, the same work as the C walk (every
  non-halting machine runs its whole budget), against the C walk: the ratio, target <= 1.5;
- `enumerate_blank(..., workers=1)` with the deciders on against the same C walk: not the same
  work (the deciders' bookkeeping costs every step, but a decided machine stops early), so
  this ratio says what the deciders buy;
- `enumerate_blank` with the deciders on over every thread (wall time).
Times are CPU time of this process (time.process_time; the C walk the same), the fastest of
REPEATS, with the slowest beside it; the counts of both walks must agree. Last, the 3-state
walk against the plain-Python walk of tests/search/naive.py (secondary: a slow baseline).

    .venv/bin/python benchmarks/bench_enumerate.py
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import compile_c, cpu_model, spread

from speedprior.search.enumerate import enumerate_blank

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the naive twins live in tests/
from tests.search.naive import enumerate_blank_naive  # noqa: E402

REPEATS = 5
BB24_BUDGET = int(os.environ.get("SPEEDPRIOR_BB24_BUDGET", "3000"))


def c_walk(binary: str, states: int, symbols: int, budget: int, repeats: int) -> tuple[dict, float]:
    """(counts, fastest CPU seconds of `repeats`) of the C walk."""
    out = subprocess.run([binary, str(states), str(symbols), str(budget), str(repeats)], capture_output=True,
                         text=True, check=True).stdout.split()
    names = ("machines", "halted", "max_steps", "max_ones", "undecided")
    return dict(zip(names, map(int, out[:5]), strict=True)), float(out[5])


def compare(binary: str | None, states: int, symbols: int, budget: int, repeats: int) -> None:
    """Time one space every way and print the lines."""
    label = f"{states}x{symbols}, budget {budget:,}"
    off_best, off_worst, off = spread(repeats, lambda: enumerate_blank(states, symbols, budget, 1, decide=False))
    on_best, on_worst, on = spread(repeats, lambda: enumerate_blank(states, symbols, budget, 1))
    wall_best, wall_worst, _ = spread(repeats, lambda: enumerate_blank(states, symbols, budget),
                                      clock=time.perf_counter)
    print(f"{label}: {off.machines:,} machines, {off.halted:,} halted, max steps {off.max_steps:,}, "
          f"max ones {off.max_ones:,}; with deciders {on.nonhalting:,} decided, {on.undecided:,} undecided")
    print(f"  kernel, deciders off, 1 thread: {off_best:.3f} s CPU (slowest {off_worst:.3f} s)")
    print(f"  kernel, deciders on, 1 thread:  {on_best:.3f} s CPU (slowest {on_worst:.3f} s)")
    print(f"  kernel, deciders on, {os.cpu_count()} threads: {wall_best:.3f} s wall (slowest {wall_worst:.3f} s)")
    if binary is None:
        return
    counts, c_best = c_walk(binary, states, symbols, budget, repeats)
    mine = {k: getattr(off, k) for k in counts}
    assert mine == counts, (mine, counts)
    ratio = off_best / c_best
    print(f"  C walk (cc -O2), 1 thread:      {c_best:.3f} s CPU, same counts")
    print(f"  ratio kernel / C, same work:    {ratio:.2f} (target <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'})")
    print(f"  ratio kernel with deciders / C without: {on_best / c_best:.2f} (different work: decided machines "
          f"stop early)")


def main():
    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical cores); load average {os.getloadavg()[0]:.1f}")
    enumerate_blank(2, 2, 107, 1, decide=False)  # compile or load the cached kernels
    enumerate_blank(2, 2, 107)
    with tempfile.TemporaryDirectory() as folder:
        binary = compile_c("enumerate_reference.c", folder)
        if binary is None:
            print("no C compiler (cc, gcc or clang): the C walk and the ratios are skipped")
        compare(binary, 4, 2, 107, REPEATS)
        compare(binary, 2, 4, BB24_BUDGET, 3)
    python_seconds, _, slow = spread(1, lambda: enumerate_blank_naive(3, 2, 107))
    one_seconds, _, fast = spread(REPEATS, lambda: enumerate_blank(3, 2, 107, 1))
    assert slow["machines"] == fast.machines == 4_057
    print(f"3x2, budget 107, plain-Python walk (no deciders): {python_seconds:.2f} s CPU; the kernel (deciders on, "
          f"1 thread) {one_seconds * 1000:.1f} ms, {python_seconds / one_seconds:,.0f}x faster")


if __name__ == "__main__":
    main()
