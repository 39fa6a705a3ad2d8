"""Experiment kind `levin-search`: the dovetailer across K and L, and Levin phases, on one task.

The background's toy model of a search over algorithms: as K/L (steps per round over programs
started per round) varies, which solver does the dovetailer find, at what cost, and how far is
it from the fastest solver in the same enumeration (the forwarding figure)?
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from speedprior import plotting
from speedprior.experiments.base import ExperimentConfig, Positive, TaskSpec
from speedprior.search.chunks import ChunkedSpace
from speedprior.search.dovetail import dovetail
from speedprior.search.levin import ORDERS, phases, task_space
from speedprior.search.params import DovetailParams, PhaseParams
from speedprior.search.result import SearchResult, add_forwarding, fastest_solvers
from speedprior.search.task import load_task

MAX_STATES = 4  # TNF spaces grow ~ (4 * states * symbols)^(2 * states * symbols); 5 states is out of reach


class Config(ExperimentConfig):
    """A task, the enumeration, and the grid of dovetailer rates K x L."""

    kind: Literal["levin-search"] = "levin-search"
    task: TaskSpec = "unary-one"  # a packaged task name or a TOML file
    order: Literal[ORDERS] = "tnf"
    states: int | None = Field(None, ge=1, le=MAX_STATES)  # default: the task's
    ks: list[Positive] = Field(default=[1, 4, 16], min_length=1)
    ls: list[Positive] = Field(default=[1, 8, 64, 512, 100_000], min_length=1)
    max_rounds: Positive = DovetailParams.max_rounds
    max_phase: int = Field(PhaseParams.max_phase, ge=1, le=62)  # phase i gives 2^i steps: stays within int64


def _row(result: SearchResult) -> dict:
    keys = ("schedule", "program", "total_steps", "rounds", "programs_started", "found_mean_steps",
            "found_max_steps", "forwarding_mean", "forwarding_max")
    return {**{k: getattr(result, k) for k in keys}, **{k: result.params.get(k) for k in ("k", "l", "found_phase")}}


def run(config: Config, ctx) -> dict:
    """Run every (K, L) dovetailer and the phases over one materialised space; plot forwarding."""
    task = load_task(config.task)
    programs = ChunkedSpace.of(task_space(task, config.order, config.states))  # one walk shared by every search
    fastest = fastest_solvers(programs, task)
    rows = []
    jobs = [(k, l) for k in config.ks for l in config.ls]
    for k, l in ctx.track(jobs, total=len(jobs), description="dovetailing"):
        result, found = dovetail(programs, task, budget=task.budget, params=DovetailParams(k, l, config.max_rounds))
        add_forwarding(result, found, programs, task, fastest)
        rows.append(_row(result))
        ctx.log(**rows[-1])
    result, found = phases(programs, task, budget=task.budget, params=PhaseParams(config.max_phase))
    add_forwarding(result, found, programs, task, fastest)
    rows.append(_row(result))
    ctx.log(**rows[-1])
    _plot(config, rows, ctx)
    count, best, best_mean, best_max = fastest
    summary = {"task": task.name, "programs": len(programs), "solvers": count,
               "fastest_program": best.name if best else None, "fastest_mean_steps": best_mean if best else None,
               "fastest_max_steps": best_max if best else None, "runs": rows}
    ctx.section("Searches", _table(summary))
    return summary


def _plot(config: Config, rows: list[dict], ctx) -> None:
    fig, (left, right) = plotting.subplots(1, 2, figsize=(11, 4))
    for index, k in enumerate(config.ks):
        mine = [r for r in rows if r["schedule"] == "dovetail" and r["k"] == k and r["program"]]
        ls = [r["l"] for r in mine]
        left.plot(ls, [r["forwarding_mean"] for r in mine], "o-", color=f"C{index}", label=f"K = {k}")
        right.plot(ls, [r["total_steps"] for r in mine], "o-", color=f"C{index}", label=f"K = {k}")
    for ax, label in ((left, "found / fastest mean steps"), (right, "total steps to the first solver")):
        ax.set_xscale("log")
        ax.set_xlabel("L (programs started per round)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    right.set_yscale("log")
    left.legend(fontsize=8)
    ctx.save_figure(fig, "dovetail-forwarding")


def _table(summary: dict) -> str:
    lines = [f"{summary['programs']:,} programs, {summary['solvers']} solvers; the fastest is "
             f"`{summary['fastest_program']}` (mean {summary['fastest_mean_steps']}, max "
             f"{summary['fastest_max_steps']} steps).\n",
             "| schedule | K | L | found | total steps | mean steps | max steps | forwarding (mean) |",
             "|---|---|---|---|---|---|---|---|"]
    for r in summary["runs"]:
        lines.append(f"| {r['schedule']} | {r['k'] or '-'} | {r['l'] or '-'} | `{r['program']}` | "
                     f"{r['total_steps']:,} | {r['found_mean_steps']} | {r['found_max_steps']} | "
                     f"{r['forwarding_mean']} |")
    return "\n".join(lines)
