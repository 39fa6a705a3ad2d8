"""A tiny, fast sweep (a Turing-machine comparison on sampled inputs) and readers for sweep directories."""

from __future__ import annotations

import json
from pathlib import Path

from speedprior.results.scan import TIMING_KEYS

TINY_SWEEP = """
name = "tiny"
seeds = [0, 1, 2]
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

[metrics]
sorted_not_halted = "machines.sipser-0n1n-zigzag.sorted.not_halted"
sampled_mean_steps = "machines.sipser-0n1n-zigzag.sampled.largest_n.mean"
"""  # 2 budgets x 3 seeds = 6 trials; the seed changes the sampled inputs,
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


def synthetic_sweep(root: Path, widths=(1, 2, 4, 8), rates=(0.1, 0.3), seeds=range(3), fail: int = 0,
                    extra_metrics: int = 0) -> Path:
    """A sweep directory as the driver writes it, without running anything (for index and report tests).

    Trials of kind tm-compare over `width` × `rate` × seeds; summary numbers are a known function of
    the parameters and seed (score = width * rate + seed / 100), plus `extra_metrics` more numbers
    (extra.m<k>), and the last `fail` trials failed.
    """
    root.mkdir(parents=True)
    config = {"name": root.name, "base": {"kind": "tm-compare", "machines": ["bb2"]},
              "grid": {"width": list(widths), "rate": list(rates)}, "points": [], "seeds": list(seeds),
              "retries": 1, "metrics": {}}
    trials = []
    for width in widths:
        for rate in rates:
            for seed in seeds:
                trial_id = f"{len(trials):04d}-{width:04d}{int(rate * 100):04d}"
                params = {"width": width, "rate": rate}
                trials.append({"id": trial_id, "params": params, "seed": seed,
                               "config": {"kind": "tm-compare", "name": None, "seed": seed, "machines": ["bb2"],
                                          **params}})
    (root / "sweep.json").write_text(json.dumps({"config": config, "trials": trials}))
    for number, trial in enumerate(trials):
        if number >= len(trials) - fail:
            (root / "failures").mkdir(exist_ok=True)
            (root / "failures" / f"{trial['id']}.json").write_text(json.dumps(
                {"trial": trial["id"], "attempts": [{"attempt": 1, "error": "ValueError: synthetic failure"}]}))
            continue
        folder = root / "trials" / trial["id"]
        folder.mkdir(parents=True)
        p, seed = trial["params"], trial["seed"]
        summary = {"score": p["width"] * p["rate"] + seed / 100, "nested": {"steps": p["width"] * 10, "ok": True},
                   "label": "text is not a metric", "seconds": 0.5 + seed, "run_dir": f"trials/{trial['id']}"}
        if extra_metrics:
            summary["extra"] = {f"m{k}": (k + 1) * p["rate"] - seed * k / 50 for k in range(extra_metrics)}
        (folder / "config.json").write_text(json.dumps(trial["config"]))
        (folder / "summary.json").write_text(json.dumps(summary))
        (folder / "metrics.jsonl").write_text(json.dumps({"step": 1, "loss": 1.0}) + "\n")
        (folder / "trial.json").write_text(json.dumps({"trial": trial["id"], "params": p, "seed": seed}))
        (folder / "report.md").write_text(f"# trial {trial['id']}\n")
    return root


def synthetic_run(root: Path, seed: int = 0, score: float = 1.0) -> Path:
    """A finished stand-alone run directory (as `speedprior run` writes it)."""
    root.mkdir(parents=True)
    (root / "config.json").write_text(json.dumps({"kind": "tm-compare", "name": "solo", "seed": seed,
                                                  "machines": ["bb2"], "budget": 100}))
    (root / "summary.json").write_text(json.dumps({"score": score, "seconds": 1.0, "run_dir": str(root)}))
    (root / "metrics.jsonl").write_text("")
    return root
