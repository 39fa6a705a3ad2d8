"""Experiment `meta-learning`: explicit meta-learning in a two-level program space.

background/000 asks what a speed prior does when a program may itself run a search. In the space
of `search.meta`, a program either solves the task directly (a TNF machine) or descends: it runs a
dovetailer (K, L) over an inner TNF space and answers with what it finds. Searchers are short (a
few bits whatever they find) but pay for the inner search, shared over the `episodes` inputs one
search serves. For each number of episodes, each prior selects from both levels; the report says
which priors select a searcher, and whether the cheapest searcher finds the fastest object-level
program (the forwarding figure: the found machine's mean and max steps over the fastest solver's).
The spaces and searches are deterministic, so there is no seed and no interval; ties among the
selected are reported as a share.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from speedprior import plotting
from speedprior.experiments.base import ExperimentConfig, PriorName, TaskSpec
from speedprior.priors import CandidateBatch, get_prior, minimal
from speedprior.search.meta import ORDERS, Searcher, forwarding_of_fastest_searcher, meta_space
from speedprior.search.task import load_task

Power = Annotated[int, Field(ge=1, le=1 << 16)]


class Config(ExperimentConfig):
    """The task, the direct space's states, the searchers' grid, episodes per search and the priors."""

    kind: Literal["meta-learning"] = "meta-learning"
    task: TaskSpec = "unary-even"
    states: int = Field(3, ge=1, le=3)  # direct programs: TNF machines with up to this many states
    inner_states: int = Field(3, ge=1, le=3)  # the searchers' inner space
    ks: list[Power] = Field([1, 4, 16, 64], min_length=1)
    ls: list[Power] = Field([1, 4, 16, 64], min_length=1)
    orders: list[Literal[ORDERS]] = Field(["length", "tnf"], min_length=1)
    episodes: list[Annotated[int, Field(ge=1, le=10**9)]] = Field([1, 10, 100, 1000, 10**6], min_length=1)
    priors: list[PriorName] = Field(["simplicity", "average", "max", "levin-kt", "simplicity+average"],
                                    min_length=1)
    max_rounds: int = Field(1_000_000, ge=1, le=1 << 30)


def run(config: Config, ctx) -> dict:
    task = load_task(config.task)
    searchers = [Searcher(k, l, order, config.inner_states) for order in config.orders for k in config.ks
                 for l in config.ls]  # noqa: E741
    selections = []
    last = meta_space(task, config.states, searchers, max_rounds=config.max_rounds)
    xs = sorted(set(config.episodes))
    for episodes in ctx.track(xs, description="episodes"):
        candidates = last.candidates(episodes)
        batch = CandidateBatch.from_candidates(candidates)
        is_searcher = np.array([c.info["searcher"] for c in candidates], dtype=bool)
        for spec in config.priors:
            chosen = minimal(get_prior(spec).score_batch(batch))
            share = float(is_searcher[chosen].mean()) if len(chosen) else 0.0
            first = candidates[int(chosen[0])] if len(chosen) else None
            row = {"episodes": episodes, "prior": spec, "tied": len(chosen), "searcher_share": share,
                   "selected": first.name if first else None}
            ctx.log(**row)
            selections.append(row)

    searches = [{"searcher": name, **{k: r.to_dict()[k] for k in ("found", "program", "total_steps",
                                                                     "programs_started", "forwarding_mean",
                                                                     "forwarding_max", "solvers")}}
                for name, r in last.searches.items()]
    cheapest = forwarding_of_fastest_searcher(last)
    direct = len(last.direct)

    fig, axes = plotting.subplots(1, 2, figsize=(12, 4))
    for spec in config.priors:
        axes[0].plot(xs, [next(r["searcher_share"] for r in selections if r["episodes"] == e and r["prior"] == spec)
                          for e in xs], "o-", label=spec)
    axes[0].set(xscale="log", xlabel="episodes served by one inner search", ylabel="share of selected that search",
                ylim=(-0.05, 1.05), title="Which priors select a searcher")
    axes[0].legend(fontsize=7)
    for order, marker in zip(config.orders, ("o", "s"), strict=False):
        own = [s for s in searches if s["found"] and f",{order}," in s["searcher"]]
        axes[1].scatter([s["total_steps"] for s in own], [s["forwarding_mean"] for s in own], marker=marker,
                        label=f"inner order: {order}", alpha=0.7)
    axes[1].axhline(1.0, color="k", ls=":", lw=1)
    axes[1].set(xscale="log", xlabel="inner search steps", ylabel="found mean steps / fastest mean steps",
                title="Forwarding of each searcher")
    axes[1].legend(fontsize=7)
    ctx.save_figure(fig, "meta_learning")

    head = "| prior | " + " | ".join(f"{e} episodes" for e in xs) + " |"
    lines = [head, "|" + "---|" * (1 + len(xs))]
    for spec in config.priors:
        cells = []
        for e in xs:
            r = next(r for r in selections if r["episodes"] == e and r["prior"] == spec)
            cells.append(f"{r['searcher_share']:.2f} ({r['tied']} tied; {r['selected']})")
        lines.append(f"| {spec} | " + " | ".join(cells) + " |")
    ctx.section("Share of the selected programs that are searchers",
                f"Direct solvers: {direct} ({config.states} states); searchers that find a solver: "
                f"{sum(s['found'] for s in searches)} of {len(searches)}.\n\n" + "\n".join(lines))
    table = ["| searcher | inner steps | started | found | forwarding mean | forwarding max |",
             "|---|---|---|---|---|---|"]
    table += [f"| {s['searcher']} | {s['total_steps']} | {s['programs_started']} | {s['program']} | "
              f"{_fmt(s['forwarding_mean'])} | {_fmt(s['forwarding_max'])} |" for s in searches]
    ctx.section("Inner searches", "\n".join(table))
    if cheapest:
        ctx.section("The cheapest searcher", f"{cheapest['searcher']} spends {cheapest['search_steps']} steps and "
                    f"finds "
                    f"{cheapest['found']}: forwarding mean {_fmt(cheapest['forwarding_mean'])}, max "
                    f"{_fmt(cheapest['forwarding_max'])} (fastest solver {cheapest['fastest']}).")
    forwarding = [s["forwarding_mean"] for s in searches if s["found"]]
    return {"selections": selections, "searches": searches, "cheapest_searcher": cheapest, "direct_solvers": direct,
            "searchers_forwarding_exactly": sum(1 for f in forwarding if f == 1.0), "searchers_found": len(forwarding)}


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"
