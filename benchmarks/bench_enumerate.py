"""TNF enumeration speed: the compiled search against the plain-Python walk of the same tree.

Prints machines/second of `enumerate_blank` (compiled DFS with per-level tape snapshots,
parallel over subtrees) and of `enumerate_blank_naive` (tests/search/naive.py, plain Python, every node re-run
from the blank tape) on all 3-state 2-symbol machines with budget 107, their ratio (one
worker and all workers), and the wall time of all 4-state machines with budget 107.
Target: 4 states in <= 20 s on 2 cores.

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
    assert slow["machines"] == fast_one.machines == fast_all.machines == 16_549
    count = slow["machines"]
    print(f"3 states, python:       {python_seconds:.3f} s = {count / python_seconds:,.0f} machines/s")
    print(f"3 states, kernel x1:    {one_seconds:.4f} s = {count / one_seconds:,.0f} machines/s")
    print(f"3 states, kernel x{os.cpu_count()}:    {all_seconds:.4f} s = {count / all_seconds:,.0f} machines/s")
    print(f"ratio:                  kernel is {python_seconds / one_seconds:,.0f}x (1 worker), "
          f"{python_seconds / all_seconds:,.0f}x (all workers) the Python walk")
    start = time.perf_counter()
    four = enumerate_blank(4, 2, 107)
    wall = time.perf_counter() - start
    assert (four.machines, four.max_steps, four.max_ones) == (2_943_669, 107, 13)
    print(f"4 states, budget 107:   {wall:.2f} s wall for {four.machines:,} machines "
          f"({four.machines / wall:,.0f} machines/s); max steps {four.max_steps} by {four.max_steps_machine}, "
          f"max ones {four.max_ones}")


if __name__ == "__main__":
    main()
