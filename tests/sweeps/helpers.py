"""A tiny, fast sweep (a Turing-machine comparison on sampled inputs) and readers for sweep directories."""

from __future__ import annotations

import json
from pathlib import Path

from speedprior.results.scan import TIMING_KEYS

TINY_SWEEP = """
name = "tiny"
seeds = [0, 1]
retries = 1

[base]
kind = "tm-compare"
machines = ["sipser-0n1n-zigzag"]
inputs = [
    { name = "sampled", lengths = "6:18:6", sample = 5 },
    { name = "sorted", lengths = "4:16:4", family = "sorted" },
]

[grid]
budget = [60, 100000]
machines = [["sipser-0n1n-zigzag"], ["sipser-0n1n-2tape"]]
"""  # 2 budgets x 2 machine lists x 2 seeds = 8 trials; the seed changes the sampled inputs,
# the budget how many sorted inputs the quadratic machine finishes


def write_sweep(folder: Path, text: str = TINY_SWEEP, name: str = "sweep.toml") -> Path:
    """Write a sweep config file and return its path."""
    path = folder / name
    path.write_text(text)
    return path


def summaries(root: Path) -> dict[str, dict]:
    """Trial id -> summary.json without timing fields, for every finished trial of a sweep."""
    out = {}
    for path in sorted((root / "trials").glob("*/summary.json")):
        summary = json.loads(path.read_text())
        out[path.parent.name] = {k: v for k, v in summary.items() if k not in TIMING_KEYS}
    return out


def events(root: Path) -> list[dict]:
    """The sweep's journal events."""
    from speedprior.sweeps.journal import read_journal

    return read_journal(root)
