"""Helpers shared by the benchmark scripts (run them from the repository root)."""

import os
import platform
import shutil
import subprocess
import time


def best_of(repeats, function):
    """Run `function` `repeats` times; return (fastest wall time in seconds, last result)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def spread(repeats, function, clock=time.process_time) -> tuple[float, float, object]:
    """(fastest, slowest seconds by `clock`, last result) of `repeats` calls; CPU time by default."""
    times = []
    for _ in range(repeats):
        start = clock()
        result = function()
        times.append(clock() - start)
    return min(times), max(times), result


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (x86 and ARM), else what platform knows."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model", "Hardware", "cpu model"):
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def compile_c(source: str, folder: str) -> str | None:
    """Path of `source` (a C file in benchmarks/) built with `cc -O2` into `folder`; None without a compiler."""
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        return None
    here = os.path.dirname(os.path.abspath(__file__))
    binary = os.path.join(folder, os.path.splitext(source)[0])
    subprocess.run([compiler, "-O2", "-o", binary, os.path.join(here, source)], check=True)
    return binary
