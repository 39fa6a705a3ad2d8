"""Sweep report and index build time for a 1,000-trial sweep (synthetic trial directories).

Writes a sweep directory of 1,000 finished trials (10 widths × 10 rates × 10 seeds, as the sweep
driver lays them out) and times `write_sweep_report` (report.html: tables with intervals, one plot
per metric against each parameter; 8 metrics) and `build_index` (index.duckdb). Target: report <= 10 s.

    .venv/bin/python benchmarks/bench_sweep_report.py
"""

import platform
import sys
import tempfile
import time
from pathlib import Path

from timing import best_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.sweeps.helpers: the synthetic sweep

from tests.sweeps.helpers import synthetic_sweep  # noqa: E402

from speedprior.results.index import build_index  # noqa: E402
from speedprior.results.report import write_sweep_report  # noqa: E402


def cpu_name() -> str:
    """The CPU model, from /proc/cpuinfo where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = synthetic_sweep(Path(scratch) / "bench", widths=range(1, 11), rates=[r / 10 for r in range(10)],
                               seeds=range(10), extra_metrics=6)
        start = time.perf_counter()
        write_sweep_report(root)  # the first call pays for importing matplotlib
        cold_s = time.perf_counter() - start
        report_s, path = best_of(3, lambda: write_sweep_report(root))
        index_s, _ = best_of(3, lambda: build_index(root))
        size = path.stat().st_size
    print(f"CPU: {cpu_name()}")
    print(f"1,000-trial sweep report.html (8 metrics x 2 parameters): first {cold_s:.2f} s, "
          f"best of 3 {report_s:.2f} s ({size / 1e6:.2f} MB); target <= 10 s")
    print(f"1,000-trial index.duckdb rebuild: {index_s:.2f} s")


if __name__ == "__main__":
    main()
