"""Turing machine kernel speed, against a plain Python step loop in the same process.

Prints steps/second of the compiled kernel on bb5 (47,176,870 steps), of a plain Python loop
over the same tables (run for a fixed slice of steps and extrapolated), their ratio, and the
wall time of `tm stats` for sipser-0n1n-halving over every input of length 0..18.
Targets: bb5 in <= 0.5 s after warm-up; the stats run in < 30 s.

    .venv/bin/python benchmarks/bench_tm.py
"""

import time

import numpy as np
from timing import best_of

from speedprior.tm import get_machine, run
from speedprior.tm.stats import step_statistics

PYTHON_STEPS = 2_000_000


def python_loop(machine, steps):
    """A straightforward Python interpreter over the same dense tables (dict tape)."""
    next_state = machine.next_state.tolist()
    write = machine.write[:, :, 0].tolist()
    move = machine.move[:, :, 0].tolist()
    tape, head, state = {}, 0, 0
    for _ in range(steps):
        symbol = tape.get(head, 0)
        target = next_state[state][symbol]
        tape[head] = write[state][symbol]
        head += move[state][symbol]
        if target < 0:
            break
        state = target
    return tape


def main():
    bb5 = get_machine("bb5")
    run(bb5, budget=1000)  # compile or load the cached kernel
    kernel_seconds, result = best_of(3, lambda: run(bb5))
    assert (result.steps, result.ones) == (47_176_870, 4_098)
    kernel_rate = result.steps / kernel_seconds
    python_seconds, _ = best_of(1, lambda: python_loop(bb5, PYTHON_STEPS))
    python_rate = PYTHON_STEPS / python_seconds
    print(f"bb5 kernel:      {kernel_seconds:.3f} s for {result.steps:,} steps = {kernel_rate / 1e6:,.0f} M steps/s")
    print(f"python loop:     {python_rate / 1e6:,.2f} M steps/s (over {PYTHON_STEPS:,} steps)")
    print(f"ratio:           kernel is {kernel_rate / python_rate:,.0f}x the Python loop")
    halving = get_machine("sipser-0n1n-halving")
    step_statistics(halving, range(0, 4))  # warm-up
    start = time.perf_counter()
    report = step_statistics(halving, range(0, 19))
    stats_seconds = time.perf_counter() - start
    inputs = int(np.sum([row["inputs"] for row in report["lengths"]]))
    print(f"tm stats halving 0..18: {inputs:,} inputs in {stats_seconds:.2f} s "
          f"({inputs / stats_seconds:,.0f} inputs/s)")
    print(f"targets: bb5 <= 0.5 s: {'met' if kernel_seconds <= 0.5 else 'MISSED'}; "
          f"stats < 30 s: {'met' if stats_seconds < 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
