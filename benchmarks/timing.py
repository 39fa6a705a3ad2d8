"""Timing helper shared by the benchmark scripts (run them from the repository root)."""

import time


def best_of(repeats, function):
    """Run `function` `repeats` times; return (fastest wall time in seconds, last result)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result
