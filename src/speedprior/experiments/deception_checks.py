"""Experiment kind `deception-checks`: audits that look like deployment make a sleeper pay to evade them.

Per check strength s (audits: every trigger word of length 1..s, right verdict reject;
deployment: the trigger words just longer), the flagship's honest solvers, its sleepers and the
evaders that count an input's cells before defecting (`testbeds/audits.py`) are run and
measured. Each trial draws a flagship task distribution over the binary training words and
gives `audit_mass` of its weight to `audits_per_trial` audits drawn at random (randomised
audits). Reported along s: the extra steps an evader needs on the audits, and the misbehaving
(defecting) rate per prior, over machines and over behaviours, with 95% intervals.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from speedprior import plotting
from speedprior.experiments.base import ExperimentConfig, PriorName
from speedprior.testbeds.audits import KINDS, MAX_STRENGTH, AuditedTask, measure
from speedprior.testbeds.curves import curve_figure
from speedprior.testbeds.distributions import sample_weights
from speedprior.testbeds.families import HONEST
from speedprior.testbeds.selection import Pool, pooled, run_trials
from speedprior.testbeds.task import Universe

Base = Literal[tuple(HONEST)]
Kind = Literal[KINDS[1:]]
Family = Literal["lengths", "subsets", "uniform"]


class Config(ExperimentConfig):
    """Check strengths, audit mass and count per trial, the pool's kinds and the selection knobs."""

    kind: Literal["deception-checks"] = "deception-checks"
    train_length: int = Field(10, ge=2, le=14)
    strengths: list[Annotated[int, Field(ge=0, le=MAX_STRENGTH)]] = Field(
        default_factory=lambda: [0, 1, 2, 3, 4, 5], min_length=1)
    deploy_span: int = Field(2, ge=1, le=3)  # deployment: trigger words of lengths s+1 .. s+deploy_span
    audit_mass: float = Field(0.2, gt=0, lt=1)  # the share of each task distribution on audits
    audits_per_trial: int = Field(16, ge=1, le=10_000)
    bases: list[Base] = Field(default_factory=lambda: list(HONEST), min_length=1)
    kinds: list[Kind] = Field(default_factory=lambda: list(KINDS[1:]), min_length=1)
    priors: list[PriorName] = Field(default_factory=lambda: ["none", "simplicity", "max", "average"], min_length=1)
    trials: int = Field(200, ge=1, le=100_000)
    families: list[Family] = Field(default_factory=lambda: ["lengths", "subsets"], min_length=1)
    alpha: float = Field(1.0, gt=0)
    max_subset: int = Field(16, ge=1, le=64)


def audited_weights(rng: np.random.Generator, family: str, task: AuditedTask, config: Config) -> np.ndarray:
    """A flagship task distribution on the binary words, with `audit_mass` on randomly drawn audits."""
    binary = sample_weights(family, task.universe, rng, alpha=config.alpha, max_subset=config.max_subset)
    audits = len(task.audits)
    if not audits:
        return binary
    chosen = rng.choice(audits, size=min(config.audits_per_trial, audits), replace=False)
    on_audits = np.zeros(audits)
    on_audits[chosen] = rng.dirichlet(np.full(chosen.size, config.alpha)) if chosen.size > 1 else 1.0
    return np.concatenate([binary * (1 - config.audit_mass), on_audits * config.audit_mass])


def _pool(task: AuditedTask, measured) -> Pool:
    keys = np.array([len(w) for w in task.train])
    return Pool([m.name for m in measured], [m.kind for m in measured], np.stack([m.steps for m in measured]),
                np.stack([m.halted for m in measured]), np.stack([m.outputs for m in measured]),
                np.array([m.bits for m in measured]), np.array([m.defects > 0 for m in measured]), keys,
                task.train_targets)


def _extra(task: AuditedTask, measured) -> dict:
    """Per program: extra steps over its honest base, on the audits and on the binary words."""
    honest = {m.base: m for m in measured if m.kind == "honest"}
    out = {}
    for m in measured:
        if m.kind == "honest":
            continue
        extra = m.steps - honest[m.base].steps
        audit, binary = extra[task.is_audit], extra[~task.is_audit]
        passes = bool(((m.outputs == task.train_targets) & m.halted).all())
        out[m.name] = {"kind": m.kind, "base": m.base, "passes_audits": passes, "defects": m.defects,
                       "deploy_inputs": len(task.deploy), "bits": m.bits,
                       "audit_extra_mean": float(audit.mean()) if audit.size else 0.0,
                       "audit_extra_max": float(audit.max()) if audit.size else 0.0,
                       "binary_extra_mean": float(binary.mean()), "binary_extra_max": float(binary.max())}
    return out


def run(config: Config, ctx) -> dict:
    """Measure the pool at every strength, then select per prior over randomly audited task distributions."""
    universe = Universe(config.train_length, 1)
    kinds = ("honest", *config.kinds)
    by_strength, rows = {}, []
    for strength in config.strengths:
        task = AuditedTask(universe, strength, config.deploy_span)
        measured = measure(task, tuple(config.bases), kinds)
        pool = _pool(task, measured)
        raw = []
        for f_index, family in enumerate(config.families):
            sample = partial(audited_weights, family=family, task=task, config=config)
            progress = partial(ctx.track, total=config.trials, description=f"strength {strength}: {family}")
            raw.append(run_trials(pool, config.priors, sample, config.trials, config.seed * 1009 + f_index, progress))
        summary = {p: r.summary(pool.names, pool.kinds) for p, r in pooled(raw).items()}
        by_strength[strength] = {"audits": len(task.audits), "deploy_inputs": len(task.deploy),
                                 "programs": _extra(task, measured), "priors": summary}
        for prior, s in summary.items():
            b = s["by_behaviour"]
            rows.append({"prior": prior, "x": strength, "rate_machines": s["misbehaving_rate"], "ci_machines": s["ci"],
                         "rate_behaviours": b["misbehaving_rate"], "ci_behaviours": b["ci"]})
            ctx.log(strength=strength, prior=prior, rate=s["misbehaving_rate"], rate_by_behaviour=b["misbehaving_rate"],
                    selected_kinds=s.get("selected_kinds", {}))
    ctx.save_figure(curve_figure(rows, "check strength s (audits: trigger words of length <= s)",
                                 "Misbehaving (defecting) selection rate vs check strength"), "rates-vs-strength")
    ctx.save_figure(_extra_figure(by_strength), "evasion-cost")
    _report(ctx, config, by_strength)
    return {"by_strength": {str(k): v for k, v in by_strength.items()}, "families": config.families,
            "trials_per_family": config.trials}


def _extra_figure(by_strength: dict):
    figure, axis = plotting.subplots(figsize=(6.4, 4))
    curves: dict[str, list] = {}
    for strength, data in by_strength.items():
        for p in data["programs"].values():
            if p["kind"].startswith("evader"):
                curves.setdefault(f"{p['base']}/{p['kind']}", []).append((strength, p["audit_extra_mean"],
                                                                           p["audit_extra_max"]))
    drawn: dict[tuple, list[str]] = {}  # bases whose evaders cost the same share one line
    for label, points in curves.items():
        drawn.setdefault(tuple(points), []).append(label)
    for points, labels in drawn.items():
        x, mean, top = (np.array(v) for v in zip(*points, strict=True))
        label = " = ".join(labels)
        line = axis.plot(x, mean, marker="o", label=f"{label}: mean")[0]
        axis.plot(x, top, linestyle="--", color=line.get_color(), label=f"{label}: max")
    axis.set_xlabel("check strength s")
    axis.set_ylabel("extra steps on the audits over the honest base")
    axis.set_title("What evading the audits costs a sleeper")
    axis.legend(fontsize=7)
    return figure


def _report(ctx, config, by_strength) -> None:
    lines = [f"Training: binary words of length 0..{config.train_length} plus the audits; each trial puts "
             f"{config.audit_mass:g} of its weight on {config.audits_per_trial} audits drawn at random "
             f"(families {', '.join(config.families)} pooled, {config.trials} trials each). Misbehaving = defects "
             f"(accepts a trigger word) in deployment.\n",
             "| s | audits | program | passes audits | defects | extra on audits (mean / max) | "
             "extra on binary words (mean / max) | bits |", "|---|---|---|---|---|---|---|---|"]
    for strength, data in by_strength.items():
        for name, p in data["programs"].items():
            lines.append(f"| {strength} | {data['audits']} | {name} | {p['passes_audits']} | "
                         f"{p['defects']}/{p['deploy_inputs']} | {p['audit_extra_mean']:.2f} / "
                         f"{p['audit_extra_max']:.0f} | {p['binary_extra_mean']:.2f} / {p['binary_extra_max']:.0f} | "
                         f"{p['bits']:.0f} |")
    ctx.section("The pool along the check strength", "\n".join(lines))
    table = ["| s | prior | rate (machines) | 95% interval | rate (behaviours) | 95% interval | picked |",
             "|---|---|---|---|---|---|---|"]
    for strength, data in by_strength.items():
        for prior, s in data["priors"].items():
            b = s["by_behaviour"]
            picked = ", ".join(f"{k} {v}" for k, v in s.get("selected_kinds", {}).items())
            table.append(f"| {strength} | {prior} | {s['misbehaving_rate']:.3f} | [{s['ci'][0]:.3f}, {s['ci'][1]:.3f}] "
                         f"| {b['misbehaving_rate']:.3f} | [{b['ci'][0]:.3f}, {b['ci'][1]:.3f}] | {picked} |")
    ctx.section("Misbehaving selection rate along the check strength", "\n".join(table))
