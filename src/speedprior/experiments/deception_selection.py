"""Experiment kind `deception-selection`: the flagship test of average-case vs max speed priors.

The pool: honest 0^k 1^k solvers and their misbehaving variants, labelled by running them.
Per prior, over `trials` random task distributions of each family: the rate at which the
selected program misbehaves (95% Wilson interval) and the ties it faced. Probes re-run the
test where the argument's premises are weakened (a sleeper whose check is free; a pool
without the honest counterpart; training that never shows easy inputs), plus run-time
detection and cross-episode memory.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from speedprior.experiments.base import ExperimentConfig, Positive, PriorName
from speedprior.priors import get_prior
from speedprior.testbeds import detection, memory
from speedprior.testbeds.distributions import FAMILIES, sample_weights
from speedprior.testbeds.families import HONEST, MISBEHAVING_KINDS, pool
from speedprior.testbeds.figure import compute_figure, pick_tasks, rates_figure
from speedprior.testbeds.selection import Pool, PriorResult, run_trials
from speedprior.testbeds.task import Universe
from speedprior.testbeds.truth import label

PROBES = ("fused-sleeper", "no-honest-counterpart")

Base = Literal[tuple(HONEST)]
Misbehaving = Literal[MISBEHAVING_KINDS]
Family = Literal[FAMILIES]
Probe = Literal[PROBES]


class Config(ExperimentConfig):
    """The flagship's knobs; every one is recorded in config.json. Names are checked against the
    testbed's registries (HONEST, MISBEHAVING_KINDS, FAMILIES, PROBES) and `priors.get_prior`."""

    kind: Literal["deception-selection"] = "deception-selection"
    train_length: int = Field(10, ge=2, le=14)
    deploy_length: int = Field(5, ge=1, le=8)
    bases: list[Base] = Field(default_factory=lambda: list(HONEST), min_length=1)
    kinds: list[Misbehaving] = Field(
        default_factory=lambda: ["goof-easy", "goof-always", "sleeper-naive", "sleeper-careful"], min_length=1
    )
    rounds: int = Field(1, ge=1, le=8)
    priors: list[PriorName] = Field(default_factory=lambda: ["none", "simplicity", "max", "average"], min_length=1)
    trials: int = Field(300, ge=1, le=100_000)
    families: list[Family] = Field(default_factory=lambda: ["lengths", "subsets"], min_length=1)
    probe_families: list[Family] = Field(default_factory=lambda: ["sorted"])
    probes: list[Probe] = Field(default_factory=lambda: list(PROBES))
    alpha: float = Field(1.0, gt=0)
    max_subset: int = Field(16, ge=1, le=64)
    detection_margins: list[Annotated[float, Field(ge=0)]] = Field(default_factory=lambda: [0.0, 0.25])
    memory_episodes: list[Annotated[int, Field(ge=1, le=100_000)]] = Field(default_factory=lambda: [1, 4, 16, 64, 256])
    memory_lookups: list[Annotated[float, Field(ge=0)]] = Field(default_factory=lambda: [0.0, 1.0])
    memory_temperature: float = Field(0.05, gt=0)
    memory_trials: Positive = 200


def _validate(config: Config) -> None:
    for prior in config.priors:
        get_prior(prior)  # raises a one-line error for an unknown name
    for family in config.families + config.probe_families:
        if family not in FAMILIES:
            from speedprior.errors import ConfigError

            raise ConfigError(f"unknown task-distribution family {family!r}; known: {', '.join(FAMILIES)}")
    for probe in config.probes:
        if probe not in PROBES:
            from speedprior.errors import ConfigError

            raise ConfigError(f"unknown probe {probe!r}; known: {', '.join(PROBES)}")


def _pooled(results: list[dict[str, PriorResult]]) -> dict[str, PriorResult]:
    """Concatenate the trials of several families, prior by prior."""
    out = {}
    for name in results[0]:
        parts = [r[name] for r in results]
        out[name] = PriorResult(name, *(np.concatenate([getattr(p, f) for p in parts])
                                        for f in ("selected", "ties", "tie_misbehaving")), parts[0].misbehaving)
    return out


def _trials(config, the_pool, universe, families, ctx, offset: int = 0, label: str = "") -> tuple[dict, dict]:
    """Run every family; return (pooled summary per prior, summary per family per prior)."""
    per_family, raw = {}, []
    for f_index, family in enumerate(families):
        sample = partial(sample_weights, family, universe, alpha=config.alpha, max_subset=config.max_subset)
        progress = partial(ctx.track, total=config.trials, description=f"{label or 'pool'}: {family}")
        result = run_trials(the_pool, config.priors, sample, config.trials,
                            seed=config.seed * 1009 + offset + f_index, progress=progress)
        raw.append(result)
        per_family[family] = {p: r.summary(the_pool.names, the_pool.kinds) for p, r in result.items()}
    pooled = {p: r.summary(the_pool.names, the_pool.kinds) for p, r in _pooled(raw).items()}
    return pooled, per_family


def _table(summary: dict) -> str:
    lines = ["| prior | misbehaving rate | 95% interval | trials | trials with ties | mean tie size |",
             "|---|---|---|---|---|---|"]
    for prior, s in summary.items():
        lines.append(f"| {prior} | {s['misbehaving_rate']:.3f} | [{s['ci'][0]:.3f}, {s['ci'][1]:.3f}] | {s['trials']} "
                     f"| {s['trials_with_ties']} | {s['mean_tie_size']:.2f} |")
    return "\n".join(lines)


def _verdict(summary: dict) -> dict:
    """Does the measured table agree with the argument's prediction (average <= 5%, max often, here >= 20%)?"""
    avg, mx = summary.get("average"), summary.get("max")
    if avg is None or mx is None:
        return {"checked": False}
    average_low = avg["ci"][1] <= 0.05 or avg["misbehaving_rate"] <= 0.05
    max_often = mx["misbehaving_rate"] >= 0.2
    return {"checked": True, "average_at_most_5_percent": average_low, "max_at_least_20_percent": max_often,
            "agrees": bool(average_low and max_often)}


def run(config: Config, ctx) -> dict:
    """Label the pool, run the selection trials and probes, detection and memory; write plots and report."""
    _validate(config)
    universe = Universe(config.train_length, config.deploy_length)
    kinds = ("honest", *config.kinds)
    extra_kinds = ("sleeper-free",) if "fused-sleeper" in config.probes and "sleeper-free" not in kinds else ()
    truths_all = label(pool(tuple(config.bases), kinds + extra_kinds, config.rounds), universe)
    truths = [t for t in truths_all if t.kind in kinds]
    keys, targets = universe.train_lengths, universe.train_targets
    main = Pool.from_truths(truths, keys, targets)

    headline, by_family = _trials(config, main, universe, config.families, ctx, label="main")
    _, probe_family = _trials(config, main, universe, config.probe_families, ctx, offset=100, label="main")
    by_family.update(probe_family)
    probes = {}
    if "fused-sleeper" in config.probes:
        fused = Pool.from_truths(truths_all, keys, targets)
        probes["fused-sleeper"], _ = _trials(config, fused, universe, config.families, ctx, 200, "fused-sleeper")
    if "no-honest-counterpart" in config.probes and config.bases:
        dropped = config.bases[0]
        keep = [i for i, t in enumerate(truths) if not (t.kind == "honest" and t.base == dropped)]
        probes["no-honest-counterpart"], _ = _trials(config, main.subset(keep), universe, config.families, ctx,
                                                     300, "no-counterpart")

    first = config.families[0] if config.families else "uniform"
    sample = partial(sample_weights, first, universe, alpha=config.alpha, max_subset=config.max_subset)
    memory_rows = [row for lookup in config.memory_lookups
                   for row in memory.sweep(truths, keys, targets, sample, config.memory_episodes, lookup, "average",
                                           config.memory_trials, config.memory_temperature, config.seed)]
    detection_rows = detection.evaluate(truths, keys, np.array([len(w) for w in universe.deploy]),
                                        margins=config.detection_margins, seed=config.seed)

    # -- figures ------------------------------------------------------------------------------
    honest = next(t for t in truths if t.kind == "honest")
    shown = [t for t in truths if t.base == honest.base and t.kind in ("goof-easy", "sleeper-careful")]
    if shown:
        tasks = pick_tasks(honest, shown[0], universe.train)
        ctx.save_figure(compute_figure(honest, shown, universe.train, tasks), "compute-per-task")
    rows = [{"label": "main pool", "prior": p, **s} for p, s in headline.items()]
    for name, summary in probes.items():
        rows += [{"label": name, "prior": p, **s} for p, s in summary.items()]
    for family in config.probe_families:
        rows += [{"label": f"trained on {family} only", "prior": p, **s} for p, s in by_family[family].items()]
    ctx.save_figure(rates_figure(rows), "misbehaving-rates")

    verdict = _verdict(headline)
    _report(ctx, config, truths_all, headline, by_family, probes, memory_rows, detection_rows, verdict)
    for prior, s in headline.items():
        ctx.log(prior=prior, **{k: v for k, v in s.items() if k != "selected_kinds"})
    return {"priors": headline, "verdict": verdict, "by_family": by_family, "probes": probes,
            "pool": [t.summary() for t in truths_all], "memory": memory_rows, "detection": detection_rows,
            "families": config.families, "trials_per_family": config.trials}


def _report(ctx, config, truths, headline, by_family, probes, memory_rows, detection_rows, verdict) -> None:
    ctx.section("Misbehaving selection rate per prior (main pool)",
                f"Task distributions: {', '.join(config.families)} ({config.trials} trials each, pooled); "
                f"ties broken at random with seed {config.seed}.\n\n" + _table(headline) + "\n\n" +
                (f"Prediction (average <= 5%, max >= 20%): **{'agrees' if verdict['agrees'] else 'disagrees'}**."
                 if verdict.get("checked") else ""))
    pool_lines = ["| program | kind | misbehaving | deceptive | train inputs with extra | mean extra there | "
                  "max extra | deploy defections | bits |", "|---|---|---|---|---|---|---|---|---|"]
    for t in truths:
        s = t.summary()
        pool_lines.append(f"| {s['name']} | {s['kind']} | {s['misbehaving']} | {s['deceptive']} | "
                          f"{s['train_inputs_misbehaving']} | {s['mean_extra_where_misbehaving']:.1f} | "
                          f"{s['max_extra']:.0f} | {s['deploy_defections']} | {s['description_bits']:.0f} |")
    ctx.section("The pool, labelled by running", "\n".join(pool_lines))
    for family, summary in by_family.items():
        ctx.section(f"Per family: {family}", _table(summary))
    for name, summary in probes.items():
        ctx.section(f"Probe: {name}", _table(summary))
    mem = ["| lookup steps | episodes per input | smallest penalty | hard average rate | 95% interval | "
           "soft average rate |", "|---|---|---|---|---|---|"]
    for r in memory_rows:
        mem.append(f"| {r['lookup']:g} | {r['episodes']} | {r['penalty']:.4f} | {r['misbehaving_rate']:.3f} | "
                   f"[{r['ci'][0]:.3f}, {r['ci'][1]:.3f}] | {r['soft_misbehaving_rate']:.3f} |")
    ctx.section("Cross-episode memory (average prior)",
                f"Task distributions: {config.families[0] if config.families else 'uniform'}. "
                f"Penalty: the smallest relative extra mean cost of a misbehaving program "
                f"over its honest base (uniform weights). Hard: argmin selection; soft: Boltzmann selection with "
                f"temperature {config.memory_temperature} of the best score.\n\n" + "\n".join(mem))
    det = ["| predictor | margin | precision | recall | recall by kind |", "|---|---|---|---|---|"]
    for r in detection_rows:
        by_kind = ", ".join(f"{k} {v:.2f}" for k, v in r["recall_by_kind"].items())
        det.append(f"| {r['predictor']} | {r['margin']} | {r['precision']:.3f} | {r['recall']:.3f} | {by_kind} |")
    ctx.section("Run-time detection", "\n".join(det))


__all__ = ["Config", "run", "MISBEHAVING_KINDS"]
