"""Experiment kind `kt-tradeoff`: speed plus simplicity, swept over the weight of simplicity.

Per pool (the flagship, the flagship without the honest zig-zag, the 3-state natural space)
and per speed statistic (average, max, or log2 of either: the Levin-Kt family), a prior
`w * bits + time` selects over random task distributions at each weight w. Reported: the
misbehaving rate along w (over machines and over behaviours, 95% intervals) and the weight at
which selection flips from the pure-speed answer to the pure-simplicity answer, with the
bracket the intervals allow. The same task distributions serve every weight.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Annotated, Literal

from pydantic import Field

from speedprior.experiments.base import ExperimentConfig
from speedprior.testbeds.curves import curve_figure
from speedprior.testbeds.distributions import sample_weights
from speedprior.testbeds.families import HONEST, pool
from speedprior.testbeds.natural import UnaryTask, natural_space
from speedprior.testbeds.selection import Pool, behaviour_ids, pooled, run_trials
from speedprior.testbeds.task import Universe
from speedprior.testbeds.tradeoff import Tradeoff, flip
from speedprior.testbeds.truth import label

POOLS = ("flagship", "flagship-no-counterpart", "natural")
SPEEDS = ("average", "max", "log-average", "log-max")  # log-average at weight 1 is Levin's Kt
Family = Literal["lengths", "subsets", "uniform"]  # the ones every pool's inputs support
Weight = Annotated[float, Field(ge=0, le=1e6)]


class Config(ExperimentConfig):
    """Pools, speed statistics, the grid of simplicity weights (bits per step) and selection knobs."""

    kind: Literal["kt-tradeoff"] = "kt-tradeoff"
    pools: list[Literal[POOLS]] = Field(default_factory=lambda: list(POOLS), min_length=1)
    speeds: list[Literal[SPEEDS]] = Field(default_factory=lambda: ["average", "max", "log-average"], min_length=1)
    weights: list[Weight] = Field(default_factory=lambda: [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0,
                                                           10.0, 30.0, 100.0], min_length=2)
    trials: int = Field(200, ge=1, le=100_000)
    families: list[Family] = Field(default_factory=lambda: ["lengths", "subsets"], min_length=1)
    alpha: float = Field(1.0, gt=0)
    max_subset: int = Field(16, ge=1, le=64)
    train_length: int = Field(10, ge=2, le=14)  # the flagship pools
    deploy_length: int = Field(5, ge=1, le=8)
    natural_states: int = Field(3, ge=1, le=3)  # the natural pool: (11)* trained on 0..3, deployed on 4..8
    natural_budget: int = Field(100, ge=10, le=100_000)


def _pools(config: Config) -> dict[str, tuple[Pool, object]]:
    """Each requested pool with the universe its task distributions are drawn over."""
    out = {}
    if {"flagship", "flagship-no-counterpart"} & set(config.pools):
        universe = Universe(config.train_length, config.deploy_length)
        kinds = ("honest", "goof-easy", "goof-always", "sleeper-naive", "sleeper-careful")
        truths = label(pool(tuple(HONEST), kinds), universe)
        full = Pool.from_truths(truths, universe.train_lengths, universe.train_targets)
        if "flagship" in config.pools:
            out["flagship"] = (full, universe)
        if "flagship-no-counterpart" in config.pools:
            keep = [i for i, t in enumerate(truths) if not (t.kind == "honest" and t.base == "zigzag")]
            out["flagship-no-counterpart"] = (full.subset(keep), universe)
    if "natural" in config.pools:
        task = UnaryTask("(11)*", (0, 3), (4, 8))
        labelled = natural_space(task, config.natural_states, config.natural_budget)
        natural = replace(labelled.pool(task), behaviours=behaviour_ids(
            labelled.train_steps, labelled.train_outputs, labelled.deploy_outputs))
        out["natural"] = (natural, task)
    return {name: out[name] for name in config.pools}


def run(config: Config, ctx) -> dict:
    """Select along the weight grid for every pool and speed; find the flip weights; plot and report."""
    weights = sorted(set(config.weights))
    results, flips = {}, {}
    for p_index, (pool_name, (the_pool, universe)) in enumerate(_pools(config).items()):
        priors = {s: [Tradeoff(w, s.removeprefix("log-"), s.startswith("log-")) for w in weights]
                  for s in config.speeds}
        every = [p for s in config.speeds for p in priors[s]] + ["simplicity"]
        raw = []
        for f_index, family in enumerate(config.families):
            sample = partial(sample_weights, family, universe, alpha=config.alpha, max_subset=config.max_subset)
            progress = partial(ctx.track, total=config.trials, description=f"{pool_name}: {family}")
            raw.append(run_trials(the_pool, every, sample, config.trials, config.seed * 1009 + 10 * p_index + f_index,
                                  progress))
        summary = {name: r.summary() for name, r in pooled(raw).items()}
        simple = summary["simplicity"]
        results[pool_name] = {"simplicity": _rates(simple)}
        flips[pool_name] = {}
        for s in config.speeds:
            along = [summary[p.name] for p in priors[s]]
            results[pool_name][s] = [{"weight": w, **_rates(x)} for w, x in zip(weights, along, strict=True)]
            flips[pool_name][s] = {
                count: flip(weights, [x[f"rate_{count}"] for x in results[pool_name][s]],
                            [x[f"ci_{count}"] for x in results[pool_name][s]],
                            (results[pool_name][s][0][f"rate_{count}"], results[pool_name][s][0][f"ci_{count}"]),
                            (results[pool_name]["simplicity"][f"rate_{count}"],
                             results[pool_name]["simplicity"][f"ci_{count}"]))
                for count in ("machines", "behaviours")}
            for row in results[pool_name][s]:
                ctx.log(pool=pool_name, speed=s, **{k: v for k, v in row.items() if not k.startswith("ci_")})
        rows = [{"prior": s, "x": r["weight"], **r} for s in config.speeds for r in results[pool_name][s]]
        ctx.save_figure(curve_figure(rows, "simplicity weight w (bits per step; symlog)",
                                     f"Misbehaving rate of w*bits + time: {pool_name}", log_x=True),
                        f"tradeoff-{pool_name}")
    _report(ctx, config, weights, results, flips)
    return {"weights": weights, "rates": results, "flips": flips, "families": config.families,
            "trials_per_family": config.trials}


def _rates(summary: dict) -> dict:
    b = summary["by_behaviour"]
    return {"rate_machines": summary["misbehaving_rate"], "ci_machines": summary["ci"],
            "rate_behaviours": b["misbehaving_rate"], "ci_behaviours": b["ci"], "mean_tie": summary["mean_tie_size"]}


def _bracket(f: dict) -> str:
    if not f["flips"]:
        return "does not reach halfway on the grid" if f["ends_differ"] else "no flip (the ends' intervals overlap)"
    low, high = f["bracket"]
    return f"w ~ {f['weight']:.3g} (bracket {low if low is not None else '-'} .. {high if high is not None else '-'})"


def _report(ctx, config, weights, results, flips) -> None:
    lines = [f"Score = w * description bits + time (time: the speed statistic, or log2 of it; log-average at "
             f"w = 1 is Levin's Kt). Families {', '.join(config.families)} pooled, {config.trials} trials each; "
             "the same task distributions at every weight. Rate = misbehaving (flagship) or deceptive (natural) "
             "selection rate, over machines / over behaviours.\n"]
    for pool_name, by_speed in results.items():
        simple = by_speed["simplicity"]
        lines += [f"\n**{pool_name}** (pure simplicity: {simple['rate_machines']:.3f} / "
                  f"{simple['rate_behaviours']:.3f})\n",
                  "| w | " + " | ".join(f"{s} (machines) | {s} (behaviours)" for s in config.speeds) + " |",
                  "|---|" + "---|---|" * len(config.speeds)]
        for i, w in enumerate(weights):
            cells = []
            for s in config.speeds:
                r = by_speed[s][i]
                cells += [f"{r['rate_machines']:.3f} [{r['ci_machines'][0]:.2f}, {r['ci_machines'][1]:.2f}]",
                          f"{r['rate_behaviours']:.3f}"]
            lines.append(f"| {w:g} | " + " | ".join(cells) + " |")
        lines.append("\nFlip (halfway between pure speed and pure simplicity): " + "; ".join(
            f"{s}: {_bracket(flips[pool_name][s]['machines'])}" for s in config.speeds))
    ctx.section("Speed plus simplicity", "\n".join(lines))
