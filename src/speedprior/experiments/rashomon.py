"""Experiment `rashomon`: the size of the set of solvers, and its behaviours off the training distribution.

background/003 asks how the set of programs that fit the training data grows with the model class,
and how many different things they do where training says nothing. Two exhaustive counts:

  * machines: every TNF machine with up to s states (s = 1, 2, 3) that decides a unary language on
    the training lengths; its behaviour off distribution is its verdicts on the longer deployment
    lengths (accept, reject or no verdict within the budget);
  * circuits: every circuit of exactly r gates (each gate used; up to gate numbering) that agrees with
    a 3-input function on the training rows, for r from the minimal size m to m + k; its behaviour
    off distribution is its values on the held-out rows.

Counts are exact (complete enumeration), so there is no sampling and no interval.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from speedprior import plotting
from speedprior.circuits.circuit import BASES
from speedprior.circuits.synthesis import Budget, all_circuits, minimum_size
from speedprior.errors import SpeedpriorError
from speedprior.experiments.base import ExperimentConfig, NonNegative, Positive
from speedprior.testbeds.natural import UnaryTask, label_machines, solvers_of

Row = Annotated[int, Field(ge=0, le=7)]


class Config(ExperimentConfig):
    """The unary task and state counts for machines; the 3-input function, held-out rows and k for circuits."""

    kind: Literal["rashomon"] = "rashomon"
    regex: str = Field("(11)*", max_length=200)
    train: tuple[NonNegative, NonNegative] = (0, 3)
    deploy: tuple[NonNegative, NonNegative] = (4, 8)
    states: list[Annotated[int, Field(ge=1, le=3)]] = Field([1, 2, 3], min_length=1)  # 4 states: >12M machines
    budget: int = Field(100, ge=1, le=10_000)
    function: str = Field("e8", pattern=r"^[0-9a-fA-F]{2}$")  # 3-input truth table, hex; e8 = majority
    held_out: list[Row] = Field([0, 7], min_length=1, max_length=4)  # rows off the training distribution
    basis: Literal[BASES] = "aig"
    extra_gates: int = Field(2, ge=0, le=3)  # k: circuits of m .. m + k gates
    limit: Positive = 100_000  # most circuits of one size and function
    seconds: float = Field(120.0, gt=0, le=3600)  # SAT budget per enumeration

    @model_validator(mode="after")
    def _task(self):
        try:
            UnaryTask(self.regex, tuple(self.train), tuple(self.deploy))
        except SpeedpriorError as error:  # the library names the bad value
            raise ValueError(str(error)) from None
        if len(set(self.held_out)) != len(self.held_out):
            raise ValueError(f"held_out rows repeat: {self.held_out}")
        return self


def count_machines(task: UnaryTask, states: int, budget: int) -> dict:
    """Solvers among TNF machines of up to `states` states, and their distinct behaviours in deployment."""
    found = solvers_of(task, states, budget)
    if not found:
        return {"states": states, "solvers": 0, "off_distribution_behaviours": 0, "behaviours": 0,
                "deceptive": 0, "behaviour_counts": []}
    labelled = label_machines([p.machine for p in found], [p.bits for p in found], task, budget)
    verdicts = [tuple(row) for row in labelled.deploy_outputs.tolist()]
    full = {(v, tuple(s)) for v, s in zip(verdicts, labelled.train_steps.tolist(), strict=True)}
    _, counts = np.unique(labelled.deploy_outputs, axis=0, return_counts=True)
    return {"states": states, "solvers": len(found), "off_distribution_behaviours": len(set(verdicts)),
            "behaviours": len(full), "deceptive": int(labelled.deceptive.sum()),
            "behaviour_counts": sorted(counts.tolist(), reverse=True)}


def completions(tt: int, held_out: list[int]) -> list[int]:
    """Every function that agrees with `tt` off the held-out rows."""
    out = []
    for bits in range(1 << len(held_out)):
        f = tt
        for k, row in enumerate(held_out):
            f = (f & ~(1 << row)) | (((bits >> k) & 1) << row)
        out.append(f)
    return out


def count_circuits(tt: int, held_out: list[int], basis: str, extra: int, limit: int, budget: Budget) -> list[dict]:
    """For r = m .. m + extra: circuits of r gates per completion (m: the least size of any completion)."""
    functions = completions(tt, held_out)
    least = {f: minimum_size(f, 3, basis, budget=budget)[0] for f in functions}
    m = min(least.values())
    rows = []
    for r in range(m, m + extra + 1):
        # r = 0: a constant or a literal is its own (only) gateless circuit
        per = {f: (int(least[f] == 0) if r == 0 else len(all_circuits(f, 3, r, basis, limit, budget))
                   if least[f] <= r else 0) for f in functions}
        rows.append({"gates": r, "solvers": sum(per.values()), "off_distribution_behaviours": sum(v > 0 for v in
                                                                                                  per.values()),
                     "per_completion": {f"{f:02x}": v for f, v in per.items()}})
    return rows


def run(config: Config, ctx) -> dict:
    task = UnaryTask(config.regex, tuple(config.train), tuple(config.deploy))
    machines = []
    for states in ctx.track(sorted(set(config.states)), description="TNF spaces"):
        machines.append(count_machines(task, states, config.budget))
        ctx.log(kind="machines", **machines[-1])
    tt = int(config.function, 16)
    circuits = count_circuits(tt, sorted(config.held_out), config.basis, config.extra_gates, config.limit,
                              Budget(seconds=config.seconds))
    for row in circuits:
        ctx.log(kind="circuits", **row)

    fig, axes = plotting.subplots(1, 2, figsize=(11, 4))
    xs = [m["states"] for m in machines]
    axes[0].plot(xs, [max(m["solvers"], 0.5) for m in machines], "o-", label="solvers (machines)")
    axes[0].plot(xs, [max(m["off_distribution_behaviours"], 0.5) for m in machines], "s--",
                 label="distinct verdicts in deployment")
    axes[0].plot(xs, [max(m["behaviours"], 0.5) for m in machines], "^:", label="distinct behaviours (+ costs)")
    axes[0].set(xlabel="states (model class)", ylabel="count", yscale="log", xticks=xs,
                title=f"TNF machines deciding {config.regex} on lengths {config.train[0]}..{config.train[1]}")
    gs = [c["gates"] for c in circuits]
    axes[1].plot(gs, [max(c["solvers"], 0.5) for c in circuits], "o-", label="solvers (circuits)")
    axes[1].plot(gs, [max(c["off_distribution_behaviours"], 0.5) for c in circuits], "s--",
                 label="distinct values on held-out rows")
    axes[1].set(xlabel=f"gates ({config.basis})", ylabel="count", yscale="log", xticks=gs,
                title=f"circuits agreeing with {config.function} off rows {sorted(config.held_out)}")
    for ax in axes:
        ax.legend(fontsize=7)
        ax.title.set_fontsize(9)
    ctx.save_figure(fig, "rashomon")

    lines = ["| states | solvers | distinct deployment verdicts | distinct behaviours (verdicts + training costs) | "
             "deceptive | solvers per verdict pattern |", "|---|---|---|---|---|---|"]
    lines += [f"| {m['states']} | {m['solvers']} | {m['off_distribution_behaviours']} | {m['behaviours']} | "
              f"{m['deceptive']} | {m['behaviour_counts']} |" for m in machines]
    ctx.section("Machines", "\n".join(lines))
    table = ["| gates | solvers | distinct held-out behaviours | circuits per completion |", "|---|---|---|---|"]
    table += [f"| {c['gates']} | {c['solvers']} | {c['off_distribution_behaviours']} | {c['per_completion']} |"
              for c in circuits]
    ctx.section("Circuits", "\n".join(table))
    return {"machines": machines, "circuits": circuits}
