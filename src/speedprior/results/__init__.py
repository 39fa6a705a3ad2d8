"""Finished work, found again: the results index (DuckDB) and self-contained HTML reports.

Both are rebuilt from run and sweep directories alone; the directories are the truth.
"""

from speedprior.results.index import build_index, connect, export
from speedprior.results.report import write_run_report, write_sweep_report
from speedprior.results.scan import scan

__all__ = ["build_index", "connect", "export", "scan", "write_run_report", "write_sweep_report"]
