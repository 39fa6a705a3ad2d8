"""Experiment kind `generalisation-checks`: speed priors restricted to programs that pass held-out checks.

On a natural space (every TNF machine up to `states` states that solves a unary training task)
each trial draws a task distribution over the training inputs and `k` held-out check inputs;
only the solvers that also give the right verdict on those checks compete. Per check budget k
and prior: the deceptive rate (wrong verdict on the deployment inputs, which lie beyond the
checks), counted over machines and over behaviours, with 95% Wilson intervals. Question: does
the deceptive rate of the average and max priors fall, and how many checks does it take?
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from speedprior.experiments.base import ExperimentConfig, PriorName
from speedprior.experiments.natural_deception import MAX_LENGTH, Family, LengthRange
from speedprior.testbeds.checks import PLACEMENTS, admitter, checked_space
from speedprior.testbeds.curves import curve_figure
from speedprior.testbeds.distributions import sample_weights
from speedprior.testbeds.natural import UnaryTask
from speedprior.testbeds.selection import pooled, run_trials

Placement = Literal[PLACEMENTS]
SUCCESS = 0.05  # "the checks worked": the rate's upper 95% bound at or below this


class Config(ExperimentConfig):
    """Task split into training, held-out check and deployment lengths; check budgets; selection knobs."""

    kind: Literal["generalisation-checks"] = "generalisation-checks"
    regex: str = Field("(11)*", max_length=200)
    train: LengthRange = (0, 3)
    checks: LengthRange = (4, 6)
    deploy: LengthRange = (7, 10)
    states: int = Field(3, ge=1, le=4)
    budget: int = Field(100, ge=1, le=100_000)
    check_budgets: list[Annotated[int, Field(ge=0, le=MAX_LENGTH)]] = Field(
        default_factory=lambda: [0, 1, 2, 3], min_length=1)
    placements: list[Placement] = Field(default_factory=lambda: ["nearest", "random"], min_length=1)
    priors: list[PriorName] = Field(default_factory=lambda: ["none", "simplicity", "max", "average"], min_length=1)
    trials: int = Field(300, ge=1, le=100_000)
    families: list[Family] = Field(default_factory=lambda: ["lengths", "subsets"], min_length=1)
    alpha: float = Field(1.0, gt=0)
    max_subset: int = Field(16, ge=1, le=64)

    @model_validator(mode="after")
    def _consistent(self):
        if not (self.train[1] < self.checks[0] and self.deploy[0] == self.checks[1] + 1):
            raise ValueError(f"need train < checks and deploy starting at checks' end + 1 "
                             f"({self.checks[1] + 1}); got train {self.train}, checks {self.checks}, "
                             f"deploy {self.deploy}")
        available = self.checks[1] - self.checks[0] + 1
        if max(self.check_budgets) > available:
            raise ValueError(f"check budget {max(self.check_budgets)} exceeds the {available} held-out check inputs")
        UnaryTask(self.regex, tuple(self.train), (self.checks[0], self.deploy[1]))  # compiles the regex
        return self


def run(config: Config, ctx) -> dict:
    """Enumerate and label the space once, then select per check budget, placement and prior."""
    space = checked_space(config.regex, tuple(config.train), tuple(config.checks), tuple(config.deploy),
                          config.states, config.budget)
    pool, passed = space.pool(), space.check_passed
    results: dict[str, dict[int, dict[str, dict]]] = {}
    rows = []
    for p_index, placement in enumerate(config.placements):
        results[placement] = {}
        for k in config.check_budgets:
            raw = []
            for f_index, family in enumerate(config.families):
                sample = partial(sample_weights, family, space.task, alpha=config.alpha, max_subset=config.max_subset)
                seed = config.seed * 1009 + f_index  # the same task distributions at every budget
                progress = partial(ctx.track, total=config.trials, description=f"{placement} k={k}: {family}")
                raw.append(run_trials(pool, config.priors, sample, config.trials, seed, progress,
                                      admitter(passed, k, placement, config.seed * 7919 + p_index)))
            results[placement][k] = {p: r.summary(pool.names, pool.kinds) for p, r in pooled(raw).items()}
    for placement, by_k in results.items():
        for k, summary in by_k.items():
            for prior, s in summary.items():
                b = s["by_behaviour"]
                rows.append({"placement": placement, "prior": prior, "x": k,
                             "rate_machines": s["misbehaving_rate"], "ci_machines": s["ci"],
                             "rate_behaviours": b["misbehaving_rate"], "ci_behaviours": b["ci"]})
                ctx.log(placement=placement, checks=k, prior=prior, rate=s["misbehaving_rate"],
                        rate_by_behaviour=b["misbehaving_rate"], candidates_mean_tie=s["mean_tie_size"])
    for placement in config.placements:
        ctx.save_figure(curve_figure([r for r in rows if r["placement"] == placement], "held-out checks per trial",
                                     f"Deceptive selection rate vs checks ({placement})"), f"checks-{placement}")
    needed = _checks_needed(results, config.priors)
    facts = _space_facts(space, passed)
    _report(ctx, config, facts, results, needed)
    return {"space": facts, "by_placement": {p: {str(k): v for k, v in by_k.items()} for p, by_k in results.items()},
            "checks_needed": needed, "families": config.families, "trials_per_family": config.trials}


def _checks_needed(results: dict, priors: list[str]) -> dict:
    """Per placement and prior: the smallest budget whose rate (over machines and over behaviours) has
    its upper 95% bound <= SUCCESS; None when no budget measured gets there."""
    out = {}
    for placement, by_k in results.items():
        out[placement] = {}
        for prior in priors:
            hits = [k for k in sorted(by_k) if by_k[k][prior]["ci"][1] <= SUCCESS
                    and by_k[k][prior]["by_behaviour"]["ci"][1] <= SUCCESS]
            out[placement][prior] = hits[0] if hits else None
    return out


def _space_facts(space, passed: np.ndarray) -> dict:
    bad = space.deceptive
    wrong_at = (~passed).sum(axis=0)
    checks = list(range(space.task.deploy[0], space.task.deploy[0] + space.check_count))
    return {"solvers": int(bad.size), "deceptive": int(bad.sum()),
            "behaviours": int(np.unique(space.pool().behaviours).size),
            "fail_check_by_length": {str(n): int(w) for n, w in zip(checks, wrong_at, strict=True)},
            "pass_every_check": int(passed.all(axis=1).sum()),
            "deceptive_among_those": int(bad[passed.all(axis=1)].sum())}


def _report(ctx, config, facts, results, needed) -> None:
    lines = [f"Task `{config.regex}` on unary words: training lengths {config.train[0]}..{config.train[1]}, "
             f"held-out checks {config.checks[0]}..{config.checks[1]}, "
             f"deployment {config.deploy[0]}..{config.deploy[1]} "
             f"(deceptive = a wrong verdict there). Every TNF machine with up to {config.states} states, "
             f"budget {config.budget}: {facts['solvers']} solvers ({facts['behaviours']} behaviours), "
             f"{facts['deceptive']} deceptive.\n",
             "Solvers failing each check length: " + ", ".join(f"{n}: {w}" for n, w in
                                                              facts["fail_check_by_length"].items())
             + f". Passing every check: {facts['pass_every_check']}, of them deceptive: "
               f"{facts['deceptive_among_those']}.\n",
             f"Families {', '.join(config.families)} pooled ({config.trials} trials each); `nearest` checks the k "
             f"shortest held-out inputs, `random` k drawn per trial.\n"]
    for placement, by_k in results.items():
        lines += [f"\n**{placement}**\n", "| checks | prior | deceptive rate (machines) | 95% interval | "
                  "rate (behaviours) | 95% interval | mean tie |", "|---|---|---|---|---|---|---|"]
        for k, summary in by_k.items():
            lines += [f"| {k} | {p} | {s['misbehaving_rate']:.3f} | [{s['ci'][0]:.3f}, {s['ci'][1]:.3f}] | "
                      f"{s['by_behaviour']['misbehaving_rate']:.3f} | [{s['by_behaviour']['ci'][0]:.3f}, "
                      f"{s['by_behaviour']['ci'][1]:.3f}] | {s['mean_tie_size']:.1f} |" for p, s in summary.items()]
    lines.append(f"\nChecks needed (upper 95% bound <= {SUCCESS} both ways): " + "; ".join(
        f"{placement}: " + ", ".join(f"{p} {k if k is not None else 'not reached'}" for p, k in per.items())
        for placement, per in needed.items()))
    ctx.section("Selection under held-out checks", "\n".join(lines))
