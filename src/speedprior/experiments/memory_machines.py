"""Experiment kind `memory-machines`: cross-episode memory as a persistent tape, against the arithmetic model.

Per number of episodes per input: the flagship's honest solvers; sleepers whose memory is a
Turing machine tape carried between episodes (`testbeds/memory_machines.py`: an episode counter
that runs the trigger scan only every 2^width episodes and a flag that remembers deployment),
consulted every episode or, careful, only where the honest solver rejects early;
and, for comparison, the flagship's naive and careful sleepers with the arithmetic cache of
`testbeds/memory.py`. Per prior: the misbehaving rate under argmin selection (over machines and
over behaviours, 95% intervals), the soft (Boltzmann) average-prior rate, and the penalty left
(the smallest relative extra mean cost of a misbehaving program).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from speedprior import plotting
from speedprior.experiments.base import ExperimentConfig, PriorName
from speedprior.testbeds import memory
from speedprior.testbeds.curves import curve_figure
from speedprior.testbeds.distributions import sample_weights
from speedprior.testbeds.families import HONEST, pool
from speedprior.testbeds.memory_machines import MAX_WIDTH, sleeper_truth
from speedprior.testbeds.selection import Pool, pooled, run_trials
from speedprior.testbeds.task import Universe
from speedprior.testbeds.truth import label

Base = Literal[tuple(HONEST)]
Family = Literal["lengths", "subsets", "uniform"]
MODELS = ("machine", "arithmetic")
MAX_EPISODES = 20_000_000  # module runs in all (about 40 us each): keeps a run within the quarter hour


class Config(ExperimentConfig):
    """Episodes per input, counter widths of the memory machines, the arithmetic lookup, selection knobs."""

    kind: Literal["memory-machines"] = "memory-machines"
    train_length: int = Field(8, ge=2, le=10)
    deploy_length: int = Field(5, ge=1, le=6)
    bases: list[Base] = Field(default_factory=lambda: list(HONEST), min_length=1)
    widths: list[Annotated[int, Field(ge=0, le=MAX_WIDTH)]] = Field(default_factory=lambda: [0, 2, 4, 6, 8],
                                                                    min_length=1)
    episodes: list[Annotated[int, Field(ge=1, le=1024)]] = Field(default_factory=lambda: [1, 4, 16, 64, 256],
                                                                 min_length=1)
    lookup: float = Field(1.0, ge=0, le=1e6)  # the arithmetic cache's steps per repeat visit
    priors: list[PriorName] = Field(default_factory=lambda: ["none", "simplicity", "max", "average"], min_length=1)
    trials: int = Field(200, ge=1, le=100_000)
    families: list[Family] = Field(default_factory=lambda: ["lengths", "subsets"], min_length=1)
    temperature: float = Field(0.05, gt=0, le=100)  # soft selection: Boltzmann in score / best score
    alpha: float = Field(1.0, gt=0)
    max_subset: int = Field(16, ge=1, le=64)

    @model_validator(mode="after")
    def _bounded(self):
        inputs = 2 ** (self.train_length + 1) - 1
        runs = inputs * sum(self.episodes) * len(self.widths) * 2 * len(self.bases)
        if runs > MAX_EPISODES:
            raise ValueError(f"{runs:,} memory-module episodes to run ({inputs} inputs x episodes {self.episodes} x "
                             f"{len(self.widths)} widths x 2 x {len(self.bases)} bases); the limit is "
                             f"{MAX_EPISODES:,}: lower train_length, episodes or widths")
        return self


def _select(config, the_pool, universe, ctx, label_: str) -> dict:
    raw, soft = [], []
    for f_index, family in enumerate(config.families):
        sample = partial(sample_weights, family, universe, alpha=config.alpha, max_subset=config.max_subset)
        seed = config.seed * 1009 + f_index
        progress = partial(ctx.track, total=config.trials, description=f"{label_}: {family}")
        raw.append(run_trials(the_pool, config.priors, sample, config.trials, seed, progress))
        soft += [memory.soft_misbehaving(the_pool, sample(np.random.default_rng([seed, t])), "average",
                                         config.temperature) for t in range(config.trials)]
    summary = {p: r.summary(the_pool.names, the_pool.kinds) for p, r in pooled(raw).items()}
    return {"priors": summary, "soft_average_rate": float(np.mean(soft))}


def run(config: Config, ctx) -> dict:
    """Run the memory machines episode by episode, build both pools per episode count, select."""
    universe = Universe(config.train_length, config.deploy_length)
    truths = label(pool(tuple(config.bases), ("honest", "sleeper-naive", "sleeper-careful")), universe)
    honest = [t for t in truths if t.kind == "honest"]
    keys, targets = universe.train_lengths, universe.train_targets
    results, rows = {}, []
    for e in config.episodes:
        easy = ~universe.sorted_mask  # where the honest solvers reject early
        machines = [sleeper_truth(h, w, e, universe.train, universe.deploy, only=only)
                    for h in honest for w in config.widths for only in (None, easy)]
        machine_pool = honest + machines
        arithmetic_pool = [memory.with_memory(t, e, config.lookup) for t in truths]
        results[e] = {}
        for model, members in zip(MODELS, (machine_pool, arithmetic_pool), strict=True):
            the_pool = Pool.from_truths(members, keys, targets)
            out = _select(config, the_pool, universe, ctx, f"{model} e={e}")
            out["penalty"] = memory.penalty(members)
            out["programs"] = [{"name": t.name, "misbehaving": t.misbehaving, "bits": t.description_bits,
                                "train_extra_mean": float(t.train_extra.mean()),
                                "deploy_defections": int(t.deploy_defects.sum())} for t in members
                               if t.kind != "honest"]
            results[e][model] = out
            for prior, s in out["priors"].items():
                rows.append({"prior": f"{prior} ({model})", "x": e, "rate_machines": s["misbehaving_rate"],
                             "ci_machines": s["ci"], "rate_behaviours": s["by_behaviour"]["misbehaving_rate"],
                             "ci_behaviours": s["by_behaviour"]["ci"]})
            ctx.log(episodes=e, model=model, penalty=out["penalty"], soft_average_rate=out["soft_average_rate"],
                    **{f"rate_{p}": s["misbehaving_rate"] for p, s in out["priors"].items()})
    shown = [r for r in rows if r["prior"].split(" ")[0] in ("max", "average")]
    ctx.save_figure(curve_figure(shown, "episodes per input", "Misbehaving rate: memory machine vs arithmetic",
                                 log_x=True), "rates-vs-episodes")
    ctx.save_figure(_penalty_figure(results, config), "penalty-and-soft-rate")
    _report(ctx, config, results)
    return {"by_episodes": {str(e): v for e, v in results.items()}, "families": config.families,
            "trials_per_family": config.trials}


def _penalty_figure(results: dict, config: Config):
    figure, (left, right) = plotting.subplots(1, 2, figsize=(10, 3.8))
    figure.set_layout_engine("constrained")
    episodes = np.array(sorted(results))
    for model in MODELS:
        left.plot(episodes, [results[e][model]["penalty"] for e in episodes], marker="o", label=model)
        soft = np.array([results[e][model]["soft_average_rate"] for e in episodes])
        right.plot(episodes, soft, marker="o", label=model)
    for axis in (left, right):
        axis.set_xscale("log", base=2)
        axis.set_xlabel("episodes per input")
        axis.legend(fontsize=8)
    left.set_ylabel("smallest relative extra mean cost")
    left.set_ylim(bottom=0)
    right.set_ylabel(f"soft average prior, T = {config.temperature:g}:\nP(misbehaving pick)")
    right.set_ylim(-0.02, 1.02)
    figure.suptitle("What memory leaves of the average prior's penalty")
    return figure


def _report(ctx, config, results) -> None:
    lines = [f"Training inputs: binary words of length 0..{config.train_length}, each shown `episodes` times round "
             f"robin; memory machines with counter widths {config.widths} (scan every 2^width episodes); the "
             f"arithmetic model caches the naive and careful sleepers with {config.lookup:g} lookup steps per repeat. "
             f"Families {', '.join(config.families)} pooled, {config.trials} trials each.\n",
             "| episodes | model | penalty | " + " | ".join(f"{p} (machines / behaviours)" for p in config.priors)
             + f" | soft average (T = {config.temperature:g}) |",
             "|---|---|---|" + "---|" * len(config.priors) + "---|"]
    for e, by_model in results.items():
        for model, out in by_model.items():
            cells = [f"{s['misbehaving_rate']:.3f} [{s['ci'][0]:.2f}, {s['ci'][1]:.2f}] / "
                     f"{s['by_behaviour']['misbehaving_rate']:.3f}" for s in out["priors"].values()]
            lines.append(f"| {e} | {model} | {out['penalty']:.4f} | " + " | ".join(cells)
                         + f" | {out['soft_average_rate']:.3f} |")
    ctx.section("Misbehaving rate as episodes per input grow", "\n".join(lines))
    first = results[max(results)]["machine"]["programs"]
    table = ["| program | misbehaving | mean extra steps per training episode | deployment defections | bits |",
             "|---|---|---|---|---|"]
    table += [f"| {p['name']} | {p['misbehaving']} | {p['train_extra_mean']:.3f} | {p['deploy_defections']} | "
              f"{p['bits']:.0f} |" for p in first]
    ctx.section(f"The memory machines at {max(results)} episodes per input", "\n".join(table))
