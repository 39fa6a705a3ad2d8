"""Plots drawn from measured data: useful vs misbehaviour compute per task, and rates with intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from speedprior.testbeds.truth import Truth


def pick_tasks(honest: Truth, variant: Truth, inputs: Sequence[str], easy: int = 3) -> list[int]:
    """The honest solver's hardest input plus `easy` inputs (of different lengths) where the variant misbehaves."""
    hardest = int(np.argmax(honest.train.costs))
    chosen, lengths = [], set()
    # Per length, the misbehaving input with the most useful work, so the bars show both parts.
    for i in sorted(np.flatnonzero(variant.misbehaves_train), key=lambda i: (-len(inputs[i]), -honest.train.costs[i])):
        if len(inputs[i]) not in lengths and len(lengths) < easy and len(inputs[i]) % 2 == len(inputs[hardest]) % 2:
            chosen.append(int(i))
            lengths.add(len(inputs[i]))
    return sorted(chosen, key=lambda i: honest.train.costs[i]) + [hardest]


def compute_figure(honest: Truth, variants: Sequence[Truth], inputs: Sequence[str], tasks: Sequence[int]):
    """Stacked bars per task: useful compute (the honest cost) and misbehaviour compute (the extra)."""
    from speedprior import plotting

    programs = [honest, *variants]
    width = 0.8 / len(programs)
    figure, axis = plotting.subplots(figsize=(2.2 + 1.6 * len(tasks), 4.2))
    x = np.arange(len(tasks))
    for j, program in enumerate(programs):
        useful = honest.train.costs[list(tasks)]
        extra = np.maximum(program.train.costs[list(tasks)] - useful, 0)
        offset = (j - (len(programs) - 1) / 2) * width
        axis.bar(x + offset, useful, width, color="tab:blue", edgecolor="white",
                 label="useful compute" if j == 0 else None)
        axis.bar(x + offset, extra, width, bottom=useful, color="tab:red", edgecolor="white",
                 label="misbehaviour compute" if j == 1 else None)
        for xi, total in zip(x + offset, useful + extra, strict=True):
            axis.text(xi, total + 0.5, program.kind.replace("sleeper-", "sleeper\n"), ha="center", va="bottom",
                      fontsize=6)
    axis.axhline(honest.train.costs.max(), color="black", linestyle="--", linewidth=1,
                 label="honest maximum (what a max prior sees)")
    top = max(float(p.train.costs[list(tasks)].max()) for p in programs)
    axis.set_ylim(0, 1.15 * max(top, float(honest.train.costs.max())))
    axis.set_xticks(x, [f"'{inputs[i]}'" for i in tasks], fontsize=8)
    axis.set_xlabel("task (input)")
    axis.set_ylabel("steps")
    axis.set_title(f"Compute per task: honest {honest.name} and its variants")
    axis.legend(fontsize=7, loc="upper left")
    return figure


def rates_figure(rows: Sequence[dict], title: str = "Misbehaving selection rate per prior"):
    """Points with 95% intervals; rows carry label, prior, misbehaving_rate and ci."""
    from speedprior import plotting

    labels = list(dict.fromkeys(r["label"] for r in rows))
    priors = list(dict.fromkeys(r["prior"] for r in rows))
    figure, axis = plotting.subplots(figsize=(7, 0.5 + 0.45 * len(priors) * max(1, len(labels)) ** 0.5))
    height = 0.8 / max(1, len(labels))
    for j, label in enumerate(labels):
        mine = [r for r in rows if r["label"] == label]
        y = np.array([priors.index(r["prior"]) for r in mine]) + (j - (len(labels) - 1) / 2) * height
        rate = np.array([r["misbehaving_rate"] for r in mine])
        lo = np.maximum(rate - np.array([r["ci"][0] for r in mine]), 0)
        hi = np.maximum(np.array([r["ci"][1] for r in mine]) - rate, 0)
        axis.errorbar(rate, y, xerr=[lo, hi], fmt="o", capsize=3, label=label)
    axis.set_yticks(range(len(priors)), priors)
    axis.invert_yaxis()
    axis.set_xlim(-0.02, 1.02)
    axis.axvline(0.05, color="grey", linestyle=":", linewidth=1)
    axis.set_xlabel("misbehaving selection rate (95% Wilson interval)")
    axis.set_title(title)
    axis.legend(fontsize=7, loc="lower right")
    return figure
