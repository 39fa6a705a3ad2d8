"""Experiment kind `annealing`: computational annealing (Proposal 0) on one task, with and without refinement.

Plots the C trajectory (successful probes marked) and compares the program the refined
schedule selects with the one the plain fast increase stops at, and with the average-minimal
and max-minimal solvers of the space.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np
from pydantic import Field

from speedprior import plotting
from speedprior.experiments.base import ExperimentConfig, PriorName, Probability, TaskSpec
from speedprior.priors import MaxSpeed, get_prior
from speedprior.search.annealing import anneal_costs, task_costs
from speedprior.search.levin import ORDERS
from speedprior.search.params import AnnealSchedule
from speedprior.search.task import load_task

MAX_STATES = 4  # TNF spaces grow ~ (4 * states * symbols)^(2 * states * symbols); 5 states is out of reach


class Config(ExperimentConfig):
    """A task, the enumeration, the performance level and measure, and the annealing schedule."""

    kind: Literal["annealing"] = "annealing"
    task: TaskSpec = "unary-one"  # a packaged task name or a TOML file
    order: Literal[ORDERS] = "tnf"
    states: int | None = Field(None, ge=1, le=MAX_STATES)  # default: the task's
    level: Probability = 1.0  # weighted fraction of examples a program must get right
    measure: PriorName = "average"
    c0: float = Field(AnnealSchedule.c0, gt=0)
    grow: float = Field(AnnealSchedule.grow, gt=1)
    shrink: float = Field(AnnealSchedule.shrink, gt=0, lt=1)
    slow: float = Field(AnnealSchedule.slow, gt=1)
    cycles: int = Field(AnnealSchedule.cycles, ge=0, le=64)


def run(config: Config, ctx) -> dict:
    """Anneal with the refinement and without; report both selections and the trajectory."""
    task = load_task(config.task)
    measure = get_prior(config.measure)
    costs, good, name_of = task_costs(task, order=config.order, states=config.states, level=config.level,
                                      measure=measure)
    schedule = AnnealSchedule(c0=config.c0, grow=config.grow, shrink=config.shrink, slow=config.slow,
                              cycles=config.cycles)
    refined = anneal_costs(costs, good, name_of, schedule=schedule)
    plain = anneal_costs(costs, good, name_of, schedule=replace(schedule, refine=False))
    for probe in refined.trajectory:
        ctx.log(c=probe.c, stage=probe.stage, size=probe.size, successes=probe.successes, found=probe.found)
    max_costs, _, _ = task_costs(task, order=config.order, states=config.states, level=config.level,
                                 measure=MaxSpeed())
    solving = np.flatnonzero(good)
    max_minimal = name_of(int(solving[np.argmin(max_costs[solving])])) if solving.size else None
    summary = {
        "task": task.name, "programs": len(costs), "solvers": int(solving.size),
        "c_trajectory": [p.c for p in refined.trajectory], "selected": refined.selected,
        "selected_cost": refined.selected_cost, "minimal_cost": refined.minimal_cost,
        "plain_selected": plain.selected, "plain_cost": plain.selected_cost, "plain_c_final": plain.c_final,
        "max_minimal": max_minimal,
    }
    _plot(refined, ctx)
    ctx.section("Annealing", (
        f"{len(costs):,} programs, {solving.size} at the performance level {config.level}. The fast increase "
        f"stops at C = {plain.c_final:g} with `{plain.selected}` (cost {plain.selected_cost}); the refinement "
        f"ends at C = {refined.c_final:g} with `{refined.selected}` (cost {refined.selected_cost}; the minimal "
        f"{measure.name} cost at the level is {refined.minimal_cost}). A max-minimal solver: `{max_minimal}`.\n\n"
        f"C trajectory: {', '.join(f'{p.c:.4g}' + ('*' if p.found else '') for p in refined.trajectory)} "
        f"(* = a program at the level was found)."))
    return summary


def _plot(result, ctx) -> None:
    fig, ax = plotting.subplots(figsize=(6, 4))
    cs = [p.c for p in result.trajectory]
    ax.plot(range(len(cs)), cs, "-", color="C0")
    hits = [(i, p.c) for i, p in enumerate(result.trajectory) if p.found]
    misses = [(i, p.c) for i, p in enumerate(result.trajectory) if not p.found]
    for points, style, label in ((hits, "o", "a solver in P_C"), (misses, "x", "none")):
        if points:
            ax.plot(*zip(*points, strict=True), style, label=label)
    if result.minimal_cost is not None:
        ax.axhline(result.minimal_cost, color="gray", linestyle="--", label="minimal cost at the level")
    ax.set_xlabel("probe")
    ax.set_ylabel("computation bound C")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ctx.save_figure(fig, "annealing-trajectory")
