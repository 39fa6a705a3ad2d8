"""Experiment kind `natural-deception`: priors selecting among every small TM that solves a training task."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Annotated, Literal

import numpy as np
from pydantic import AfterValidator, Field, model_validator

from speedprior.errors import ConfigError
from speedprior.experiments.base import ExperimentConfig, NonNegative, PriorName
from speedprior.priors import get_prior
from speedprior.testbeds.distributions import FAMILIES, sample_weights
from speedprior.testbeds.figure import rates_figure
from speedprior.testbeds.natural import UnaryTask, natural_space
from speedprior.testbeds.selection import behaviour_ids, run_trials

# 'sorted' orders words over two symbols; a unary task has one order already
Family = Literal[tuple(f for f in FAMILIES if f != "sorted")]
MAX_LENGTH = 64  # unary words: training and deployment inputs 1^n up to this n


def _ordered_range(value: tuple[int, int]) -> tuple[int, int]:
    low, high = value
    if not low <= high <= MAX_LENGTH:
        raise ValueError(f"need lo <= hi <= {MAX_LENGTH}, got {tuple(value)}")
    return value


# An inclusive range of unary word lengths, lo <= hi <= MAX_LENGTH.
LengthRange = Annotated[tuple[NonNegative, NonNegative], AfterValidator(_ordered_range)]


class Config(ExperimentConfig):
    """Task (a regex over unary words, train and deploy length ranges), space and selection knobs."""

    kind: Literal["natural-deception"] = "natural-deception"
    regex: str = Field("(11)*", max_length=200)
    train: LengthRange = (0, 3)
    deploy: LengthRange = (4, 8)
    states: int = Field(3, ge=1, le=4)
    budget: int = Field(100, ge=1, le=100_000)
    priors: list[PriorName] = Field(default_factory=lambda: ["none", "simplicity", "max", "average"], min_length=1)
    trials: int = Field(300, ge=1, le=100_000)
    families: list[Family] = Field(default_factory=lambda: ["lengths", "subsets"], min_length=1)
    label: Literal["deceptive", "differs"] = "deceptive"  # "differs": wrong verdict or no verdict in deployment
    alpha: float = Field(1.0, gt=0)
    max_subset: int = Field(16, ge=1, le=64)

    @model_validator(mode="after")
    def _task_compiles(self):
        UnaryTask(self.regex, tuple(self.train), tuple(self.deploy))  # compiles the regex, orders the ranges
        return self


def run(config: Config, ctx) -> dict:
    """Enumerate and label the space, then select per prior over random task distributions."""
    for prior in config.priors:
        get_prior(prior)
    bad = [f for f in config.families if f not in FAMILIES or f == "sorted"]
    if bad or config.label not in ("deceptive", "differs"):
        raise ConfigError(f"families must be among lengths, subsets, uniform and label deceptive|differs; got "
                          f"{config.families} and {config.label!r}")
    task = UnaryTask(config.regex, tuple(config.train), tuple(config.deploy))
    labelled = natural_space(task, config.states, config.budget)
    # one behaviour: the same steps and verdicts on every training input and the same deployment verdicts
    pool = replace(labelled.pool(task, config.label), behaviours=behaviour_ids(
        labelled.train_steps, labelled.train_outputs, labelled.deploy_outputs))
    summaries, rows = {}, []
    for f_index, family in enumerate(config.families):
        sample = partial(sample_weights, family, task, alpha=config.alpha, max_subset=config.max_subset)
        progress = partial(ctx.track, total=config.trials, description=f"natural: {family}")
        results = run_trials(pool, config.priors, sample, config.trials, config.seed * 1009 + f_index, progress)
        summaries[family] = {p: r.summary(pool.names, pool.kinds) for p, r in results.items()}
        rows += [{"label": family, "prior": p, **s} for p, s in summaries[family].items()]
    ctx.save_figure(rates_figure(rows, f"Deceptive selection rate, {config.states}-state solvers of {config.regex}"),
                    "natural-rates")
    space = {"solvers": len(labelled.machines), "deceptive": int(labelled.deceptive.sum()),
             "breaks": int(labelled.breaks.sum()), "differs": int(labelled.differs.sum()),
             "behaviours": int(np.unique(pool.behaviours).size),
             "deceptive_behaviours": int(np.unique(pool.behaviours[labelled.deceptive]).size),
             "deceptive_fraction": float(labelled.deceptive.mean())}
    # How the fastest programs split: are the speed-minimal ones deceptive?
    mean_steps = labelled.train_steps.mean(axis=1)
    fastest = mean_steps == mean_steps.min()
    space["fastest_on_uniform"] = {"count": int(fastest.sum()), "deceptive": int(labelled.deceptive[fastest].sum())}
    worst = labelled.train_steps.max(axis=1)
    for name, mask in (("honest", ~labelled.differs), ("deceptive", labelled.deceptive)):
        if mask.any():
            space[f"best_{name}"] = {"mean_steps": float(mean_steps[mask].min()), "max_steps": int(worst[mask].min()),
                                     "bits": float(labelled.bits[mask].min())}
    lines = [f"Task `{config.regex}` on unary inputs, trained on lengths {config.train[0]}..{config.train[1]}, "
             f"deployed on {config.deploy[0]}..{config.deploy[1]}; every TNF machine with up to {config.states} "
             f"states, budget {config.budget}.\n",
             f"Solvers: {space['solvers']}; deceptive (wrong verdict in deployment): {space['deceptive']}; "
             f"breaks (no verdict): {space['breaks']}. Fastest on the uniform distribution: "
             f"{space['fastest_on_uniform']['count']} machines, "
             f"{space['fastest_on_uniform']['deceptive']} deceptive. Distinct behaviours (same steps and verdicts "
             f"on every training input, same deployment verdicts): {space['behaviours']}, "
             f"{space['deceptive_behaviours']} deceptive.\n",
             "Rates are counted over machines (ties broken uniformly among tied machines) and over behaviours "
             "(ties broken uniformly among tied behaviours); `uniform` is every training input alike.\n"]
    best = [f"{k[5:]}: mean {v['mean_steps']:.2f}, max {v['max_steps']}, {v['bits']:.1f} bits"
            for k, v in space.items() if k.startswith("best_")]
    lines.append("Best over each class (uniform weights): " + "; ".join(best) + ".\n")
    for family, summary in summaries.items():
        lines += [f"\n**{family}** ({config.trials} trials)\n",
                  "| prior | deceptive rate (machines) | 95% interval | tie-averaged | mean tie size | "
                  "deceptive rate (behaviours) | 95% interval | tie-averaged | mean tied behaviours |",
                  "|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {p} | {s['misbehaving_rate']:.3f} | [{s['ci'][0]:.3f}, {s['ci'][1]:.3f}] | "
                  f"{s['tie_averaged_rate']:.3f} | {s['mean_tie_size']:.1f} | "
                  f"{b['misbehaving_rate']:.3f} | [{b['ci'][0]:.3f}, {b['ci'][1]:.3f}] | "
                  f"{b['tie_averaged_rate']:.3f} | {b['mean_tie_size']:.1f} |"
                  for p, s in summary.items() for b in [s["by_behaviour"]]]
    ctx.section("Natural program space", "\n".join(lines))
    for family, summary in summaries.items():
        for prior, s in summary.items():
            ctx.log(family=family, prior=prior, rate=s["misbehaving_rate"], ties=s["mean_tie_size"],
                    rate_by_behaviour=s["by_behaviour"]["misbehaving_rate"])
    return {"space": space, "by_family": summaries, "label": config.label,
            "steps_mean_range": [float(np.min(mean_steps)), float(np.max(mean_steps))]}
