"""Experiment `double-descent`: test error against model size across the interpolation threshold, and
where Proposal 1 (grow until the target) stops relative to the peak.

background/000 asks whether a speed prior that grows a model until it performs stops before, at or
after the double-descent peak. Random-features networks (`train.random_features`: a frozen random
ReLU layer of N units, a readout fit by least-norm least squares) are fit to n_train digits whose
labels are flipped with probability `noise`; test error is measured on clean held-out digits. Each
seed draws the subsample, the noise and the features. Proposal 1 is `train.growth.grow` over the
same sizes with a validation-accuracy target (validation labels are noisy too, as in practice).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
import torch
from pydantic import Field, model_validator

from speedprior import plotting
from speedprior.experiments.base import ExperimentConfig, Probability
from speedprior.train.common import setup
from speedprior.train.data import Dataset, digits
from speedprior.train.growth import grow
from speedprior.train.random_features import accuracy_of, fit_run, random_features

N_CLASSES = 10
DIGITS_POOL = 1348  # training split of scikit-learn's 1797 digits (train.data.digits keeps 75%)
T_95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}


class Config(ExperimentConfig):
    """Training size and label noise, the sizes to sweep, the Proposal 1 targets and the seeds."""

    kind: Literal["double-descent"] = "double-descent"
    dataset: Literal["digits"] = "digits"
    n_train: int = Field(200, ge=10, le=1000)
    n_val: int = Field(300, ge=10, le=500)
    noise: Probability = 0.2  # each training and validation label is replaced by another class with this probability
    widths: list[Annotated[int, Field(ge=1, le=20_000)]] = Field(
        [10, 25, 50, 100, 150, 180, 200, 220, 250, 300, 400, 600, 1000, 2000, 4000], min_length=2)
    targets: list[Annotated[float, Field(gt=0, le=1)]] = Field([0.5, 0.6, 0.65], min_length=1)
    seeds: int = Field(5, ge=1, le=10)
    threads: int = Field(1, ge=1, le=256)

    @model_validator(mode="after")
    def _fits_the_pool(self):
        if self.n_train + self.n_val > DIGITS_POOL:
            raise ValueError(f"n_train + n_val = {self.n_train + self.n_val} exceeds the {DIGITS_POOL} training digits")
        return self


def _noisy(data: Dataset, noise: float, generator: torch.Generator) -> Dataset:
    flip = torch.rand(len(data), generator=generator) < noise
    shift = torch.randint(1, N_CLASSES, (len(data),), generator=generator)  # another class, uniformly
    y = torch.where(flip, (data.y + shift) % N_CLASSES, data.y)
    return Dataset(data.x, y, data.keys)


def _interval(values: list[float]) -> tuple[float, float, float]:
    """Mean and 95% t-interval over seeds."""
    mean = float(np.mean(values))
    if len(values) < 2:
        return mean, mean, mean
    half = T_95[len(values) - 1] * float(np.std(values, ddof=1)) / math.sqrt(len(values))
    return mean, mean - half, mean + half


def run(config: Config, ctx) -> dict:
    setup(config.seed, config.threads)
    pool, test = digits(seed=config.seed)
    widths = sorted(set(config.widths))
    curves, stops = [], {t: [] for t in config.targets}
    for s in ctx.track(range(config.seeds), total=config.seeds, description="seeds"):
        seed = config.seed * 1000 + s
        gen = torch.Generator().manual_seed(seed)
        perm = torch.randperm(len(pool), generator=gen)
        train = _noisy(pool.subset(perm[:config.n_train]), config.noise, gen)
        val = _noisy(pool.subset(perm[config.n_train:config.n_train + config.n_val]), config.noise, gen)
        in_dim = int(train.x.shape[1])

        def build(size, seed=seed, in_dim=in_dim):
            return random_features(in_dim, N_CLASSES, size[0], torch.Generator().manual_seed(seed + 7919 * size[0]))

        for width in widths:
            model = build((width,))
            fit_run(model, train, val, N_CLASSES, 1.0)
            row = {"seed": seed, "width": width, "train_accuracy": accuracy_of(model, train),
                   "val_accuracy": accuracy_of(model, val), "test_error": 1 - accuracy_of(model, test)}
            ctx.log(**row)
            curves.append(row)
        for target in config.targets:
            result = grow([(w,) for w in widths], build,
                          lambda model, target=target, train=train, val=val: fit_run(model, train, val, N_CLASSES,
                                                                                      target), train.x[:4])
            stopped = None if result.selected is None else result.selected[0]
            test_error = None if result.model is None else 1 - accuracy_of(result.model, test)
            stops[target].append({"seed": seed, "width": stopped, "test_error": test_error,
                                  "compute": result.compute_to_target})

    summary_curve = []
    for width in widths:
        rows = [r for r in curves if r["width"] == width]
        mean, lo, hi = _interval([r["test_error"] for r in rows])
        summary_curve.append({"width": width, "test_error": mean, "interval_95": [lo, hi],
                              "train_accuracy": float(np.mean([r["train_accuracy"] for r in rows])),
                              "val_accuracy": float(np.mean([r["val_accuracy"] for r in rows]))})
    peak = max(summary_curve, key=lambda r: r["test_error"])
    best = min(summary_curve, key=lambda r: r["test_error"])
    interpolating = next((r["width"] for r in summary_curve if r["train_accuracy"] >= 1.0), None)
    proposal = []
    for target, found in stops.items():
        reached = [f for f in found if f["width"] is not None]
        entry = {"target": target, "reached": len(reached), "seeds": len(found),
                 "widths": [f["width"] for f in found]}
        if reached:
            mean, lo, hi = _interval([f["test_error"] for f in reached])
            entry |= {"median_width": float(np.median([f["width"] for f in reached])), "test_error": mean,
                      "interval_95": [lo, hi],
                      "where": _where(float(np.median([f["width"] for f in reached])), peak["width"]),
                      "past_peak": sum(f["width"] > peak["width"] for f in reached)}
        proposal.append(entry)

    fig, ax = plotting.subplots(1, 1, figsize=(7, 4.5))
    xs = [r["width"] for r in summary_curve]
    ax.plot(xs, [r["test_error"] for r in summary_curve], "o-", label="test error (clean labels), mean")
    ax.fill_between(xs, [r["interval_95"][0] for r in summary_curve], [r["interval_95"][1] for r in summary_curve],
                    alpha=0.25, label="95% interval over seeds")
    ax.plot(xs, [1 - r["train_accuracy"] for r in summary_curve], "s--", label="training error (noisy labels)")
    ax.axvline(config.n_train, color="k", ls=":", lw=1, label=f"N = n_train = {config.n_train}")
    for entry, colour in zip(proposal, ("C3", "C4", "C5", "C6", "C7", "C8"), strict=False):
        if "median_width" in entry:
            ax.axvline(entry["median_width"], color=colour, lw=1.5,
                       label=f"Proposal 1 stops (target {entry['target']:g}, median)")
    ax.set(xscale="log", xlabel="random features N (model size)", ylabel="error",
           title=f"digits, n_train = {config.n_train}, label noise {config.noise:g}, {config.seeds} seeds")
    ax.legend(fontsize=7)
    ctx.save_figure(fig, "double_descent")

    lines = ["| N | test error | 95% interval | training accuracy | validation accuracy |", "|---|---|---|---|---|"]
    lines += [f"| {r['width']} | {r['test_error']:.3f} | {r['interval_95'][0]:.3f}-{r['interval_95'][1]:.3f} | "
              f"{r['train_accuracy']:.3f} | {r['val_accuracy']:.3f} |" for r in summary_curve]
    ctx.section("Test error against size", "\n".join(lines) + f"\n\nPeak at N = {peak['width']} "
                f"({peak['test_error']:.3f}); first interpolating size N = {interpolating}; best N = {best['width']} "
                f"({best['test_error']:.3f}).")
    stop_lines = ["| target (validation accuracy) | seeds reaching it | median N at stop | where | stops past the "
                  "peak | test error at stop |", "|---|---|---|---|---|---|"]
    for e in proposal:
        if "median_width" in e:
            stop_lines.append(f"| {e['target']:g} | {e['reached']}/{e['seeds']} | {e['median_width']:g} | "
                              f"{e['where']} | {e['past_peak']} "
                              f"| {e['test_error']:.3f} ({e['interval_95'][0]:.3f}-{e['interval_95'][1]:.3f}) |")
        else:
            stop_lines.append(f"| {e['target']:g} | 0/{e['seeds']} | - | never | - | - |")
    ctx.section("Where Proposal 1 stops", "\n".join(stop_lines))
    return {"curve": summary_curve, "peak_width": peak["width"], "best_width": best["width"],
            "interpolation_width": interpolating, "proposal_1": proposal}


def _where(width: float, peak: int) -> str:
    """Before, at or after the peak (within 10% counts as at)."""
    if abs(width - peak) <= 0.1 * peak:
        return "at the peak"
    return "before the peak" if width < peak else "after the peak"
