"""TNF enumeration speed: the compiled search against the plain-Python walk of the same tree.

Prints machines/second of `enumerate_blank` (compiled DFS with per-level tape snapshots,
parallel over subtrees) and of `enumerate_blank_naive` (tests/search/naive.py, plain Python, every node re-run
from the blank tape) on all 3-state 2-symbol machines with budget 107, their ratio (one
worker and all workers; the naive walk has no deciders), the wall time of all 4-state
machines with budget 107, and of all 2-state 4-symbol machines at BB24_BUDGET (default 100,000;
set SPEEDPRIOR_BB24_BUDGET=4000000 to reach the champion, 3,932,964 steps).
Target: 4 states in <= 20 s on 2 cores. The trees are bbchallenge's TNF-1RB.

    .venv/bin/python benchmarks/bench_enumerate.py
"""

import os
import sys
import time
from pathlib import Path

from timing import best_of

from speedprior.search.enumerate import enumerate_blank

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the naive twins live in tests/
from tests.search.naive import enumerate_blank_naive  # noqa: E402


def main():
    enumerate_blank(2, 2, 107)  # compile or load the cached kernels
    python_seconds, slow = best_of(1, lambda: enumerate_blank_naive(3, 2, 107))
    one_seconds, fast_one = best_of(3, lambda: enumerate_blank(3, 2, 107, workers=1))
    all_seconds, fast_all = best_of(3, lambda: enumerate_blank(3, 2, 107))
    assert slow["machines"] == fast_one.machines == fast_all.machines == 4_057
    count = slow["machines"]
    print(f"3 states, python:       {python_seconds:.3f} s = {count / python_seconds:,.0f} machines/s")
    print(f"3 states, kernel x1:    {one_seconds:.4f} s = {count / one_seconds:,.0f} machines/s")
    print(f"3 states, kernel x{os.cpu_count()}:    {all_seconds:.4f} s = {count / all_seconds:,.0f} machines/s")
    print(f"ratio:                  kernel is {python_seconds / one_seconds:,.0f}x (1 worker), "
          f"{python_seconds / all_seconds:,.0f}x (all workers) the Python walk")
    start = time.perf_counter()
    four = enumerate_blank(4, 2, 107)
    wall = time.perf_counter() - start
    assert (four.machines, four.max_steps, four.max_ones) == (620_261, 107, 13)
    print(f"4 states, budget 107:   {wall:.2f} s wall for {four.machines:,} machines "
          f"({four.machines / wall:,.0f} machines/s); max steps {four.max_steps} by {four.max_steps_machine}, "
          f"max ones {four.max_ones}; {four.nonhalting:,} decided non-halting, {four.undecided:,} undecided")
    budget = int(os.environ.get("SPEEDPRIOR_BB24_BUDGET", "100000"))
    start = time.perf_counter()
    two = enumerate_blank(2, 4, budget)
    wall = time.perf_counter() - start
    print(f"2x4 states, budget {budget:,}: {wall:.1f} s wall, {time.process_time():.1f} s CPU so far; "
          f"{two.machines:,} machines, {two.halted:,} halted, {two.nonhalting:,} decided non-halting, "
          f"{two.undecided:,} undecided; max steps {two.max_steps:,} by {two.max_steps_machine}, "
          f"max ones {two.max_ones:,}")


if __name__ == "__main__":
    main()
