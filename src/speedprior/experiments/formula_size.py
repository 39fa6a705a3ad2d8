"""Experiment `formula-size`: trees versus DAGs. Minimal formula size beside minimal circuit size.

A formula is a circuit whose gates have fan-out one (background/000: trees instead of DAGs, a
program that may not reuse an intermediate result). For every 3-input function, and a seeded
sample of 4-input functions, the minimal circuit size comes from exact SAT synthesis and the
minimal formula size from the exact dynamic programme of `circuits.formulas`, both counted as
gates in the same basis. The report gives how often and by how much formula size exceeds
circuit size, and which pairs of functions the two measures rank in opposite orders.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from speedprior import plotting
from speedprior.circuits.circuit import BASES
from speedprior.circuits.formulas import formula_sizes
from speedprior.circuits.synthesis import Budget, minimum_size
from speedprior.errors import BudgetError
from speedprior.experiments.base import ExperimentConfig, NonNegative
from speedprior.testbeds.selection import wilson

Basis = Literal[BASES]
NAMED_3 = {0x96: "xor3", 0xE8: "majority3", 0xCA: "mux (x0 ? x1 : x2)", 0x80: "and3", 0x7E: "not-all-equal3",
           0x16: "exactly-one3", 0x69: "xnor3"}


class Config(ExperimentConfig):
    """Bases for all 3-input functions, bases and sample size for 4-input functions, the SAT budget."""

    kind: Literal["formula-size"] = "formula-size"
    bases: list[Basis] = Field(["full", "xaig", "aig", "and-or-not"], min_length=1)
    bases_4: list[Basis] = Field(["full"])  # 4-input circuits of aig/and-or-not need minutes of SAT each
    samples_4: NonNegative = 40  # drawn uniformly from all 65536 functions
    samples_4_hardest: NonNegative = 16  # drawn from the functions of the largest formula size, where gaps live
    seconds_per_function: float = Field(20.0, gt=0, le=3600)  # SAT budget for one circuit size


def _disagreements(circuit: np.ndarray, formula: np.ndarray) -> tuple[int, int, int, float]:
    """Pairs ranked strictly oppositely, pairs ordered by circuit size, circuit ties that formulas split, tau-b."""
    dc = np.sign(circuit[:, None] - circuit[None, :])
    df = np.sign(formula[:, None] - formula[None, :])
    upper = np.triu(np.ones_like(dc, dtype=bool), 1)
    product = (dc * df)[upper]
    concordant, discordant = int((product > 0).sum()), int((product < 0).sum())
    ties_c, ties_f = int(((dc == 0) & upper).sum()), int(((df == 0) & upper).sum())
    pairs = int(upper.sum())
    denominator = np.sqrt(float(pairs - ties_c) * float(pairs - ties_f))
    tau = (concordant - discordant) / denominator if denominator else 1.0
    split = int(((dc == 0) & (df != 0) & upper).sum())
    return discordant, pairs - ties_c, split, float(tau)


def _compare(tables: list[int], n: int, basis: str, budget: Budget, sample: str) -> dict:
    formula_table = formula_sizes(n, basis)
    rows, unresolved = [], []
    for tt in tables:
        try:
            circuit = minimum_size(tt, n, basis, budget=budget)[0]
        except BudgetError:
            unresolved.append(tt)
            continue
        rows.append((tt, circuit, int(formula_table[tt])))
    tts = np.array([r[0] for r in rows], dtype=np.int64)
    circuit = np.array([r[1] for r in rows], dtype=np.int64)
    formula = np.array([r[2] for r in rows], dtype=np.int64)
    gap = formula - circuit
    if (gap < 0).any():  # a formula is a circuit: this would be a bug in one of the two exact methods
        raise AssertionError(f"formula smaller than circuit for {tts[gap < 0].tolist()} ({basis})")
    discordant, ordered, split, tau = _disagreements(circuit, formula)
    worse = int((gap > 0).sum())
    lo, hi = wilson(worse, len(rows))
    examples = [{"tt": f"{int(t):0{max(1, (1 << n) // 4)}x}", "name": NAMED_3.get(int(t)) if n == 3 else None,
                 "circuit": int(c), "formula": int(f)} for t, c, f in zip(tts, circuit, formula, strict=True) if f > c]
    return {"basis": basis, "inputs": n, "sample": sample, "functions": len(rows),
            "unresolved": [f"{t:x}" for t in unresolved],
            "formula_larger": worse, "formula_larger_rate": worse / max(1, len(rows)), "interval_95": [lo, hi],
            "mean_gap": float(gap.mean()) if len(rows) else 0.0, "max_gap": int(gap.max()) if len(rows) else 0,
            "discordant_pairs": discordant, "ordered_pairs": ordered, "ties_split": split, "kendall_tau": tau,
            "points": [[int(c), int(f)] for c, f in zip(circuit, formula, strict=True)], "examples": examples[:12],
            "named": {NAMED_3[t]: {"circuit": int(c), "formula": int(f)} for t, c, f in zip(tts, circuit, formula,
                                                                                             strict=True)
                      if n == 3 and int(t) in NAMED_3}}


def run(config: Config, ctx) -> dict:
    budget = Budget(seconds=config.seconds_per_function)
    results = []
    for basis in ctx.track(config.bases, description="3-input functions"):
        results.append(_compare(list(range(256)), 3, basis, budget, "all"))
        ctx.log(**{k: v for k, v in results[-1].items() if k not in ("points", "examples")})
    rng = np.random.default_rng(config.seed)
    for basis in ctx.track(config.bases_4, description="4-input samples"):
        table = formula_sizes(4, basis)
        hardest = np.flatnonzero(table == table.max())
        samples = {"uniform": rng.choice(1 << 16, size=config.samples_4, replace=False),
                   "largest formulas": rng.choice(hardest, size=min(config.samples_4_hardest, len(hardest)),
                                                  replace=False)}
        for label, sample in samples.items():
            if len(sample):
                results.append(_compare([int(t) for t in sample], 4, basis, budget, label))
                ctx.log(**{k: v for k, v in results[-1].items() if k not in ("points", "examples")})

    fig, axes = plotting.subplots(1, len(results), figsize=(3.6 * len(results), 3.6), squeeze=False)
    for ax, result in zip(axes[0], results, strict=True):
        points, counts = np.unique(np.array(result["points"]).reshape(-1, 2), axis=0, return_counts=True)
        ax.scatter(points[:, 0], points[:, 1], s=12 + 4 * counts, alpha=0.6)
        top = int(points.max()) if len(points) else 1
        ax.plot([0, top], [0, top], "k:", lw=1)
        ax.set(xlabel="minimal circuit size", ylabel="minimal formula size",
               title=f"{result['basis']}, {result['inputs']} inputs, {result['sample']} ({result['functions']})",
               )
        ax.title.set_fontsize(8)
    ctx.save_figure(fig, "formula_vs_circuit")

    lines = ["| basis | inputs | functions | formula > circuit | 95% interval | mean gap | max gap | "
             "pairs ranked oppositely / ordered by circuit | circuit ties split by formula | Kendall tau | "
             "unresolved |", "|" + "---|" * 11]
    for r in results:
        lines.append(f"| {r['basis']} | {r['inputs']} | {r['sample']}: {r['functions']} | {r['formula_larger']} "
                     f"({r['formula_larger_rate']:.1%}) | {r['interval_95'][0]:.2f}-{r['interval_95'][1]:.2f} | "
                     f"{r['mean_gap']:.2f} | {r['max_gap']} | {r['discordant_pairs']} / {r['ordered_pairs']} | "
                     f"{r['ties_split']} | "
                     f"{r['kendall_tau']:.3f} | {len(r['unresolved'])} |")
    ctx.section("Formula size against circuit size", "\n".join(lines))
    named = ["| basis | " + " | ".join(NAMED_3.values()) + " |", "|" + "---|" * (1 + len(NAMED_3))]
    for r in results:
        if r["inputs"] == 3:
            named.append(f"| {r['basis']} | " + " | ".join(
                f"{r['named'][k]['circuit']} / {r['named'][k]['formula']}" for k in NAMED_3.values()) + " |")
    ctx.section("Named 3-input functions (circuit / formula gates)", "\n".join(named))
    examples = [f"- {r['basis']}, {r['inputs']} inputs ({r['sample']}): " + ", ".join(
        f"{e['tt']}{' (' + e['name'] + ')' if e['name'] else ''} {e['circuit']}->{e['formula']}" for e in r["examples"])
        for r in results if r["examples"]]
    ctx.section("Functions whose formulas need more gates (first few)", "\n".join(examples) or "none")
    return {"comparisons": [{k: v for k, v in r.items() if k != "points"} for r in results]}
