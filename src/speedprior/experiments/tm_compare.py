"""Compare machines' steps by input length: mean (average case) against max (worst case).

For each input set (every word of each length, or the sorted words 0^a 1^b), every machine
runs on every input; the report gives each statistic by length, its growth class, and a plot.
The shipped config compares the three 0^k 1^k deciders.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from speedprior import plotting
from speedprior.experiments.base import ExperimentConfig, MachineSpec, Positive
from speedprior.tm.library import load_machine
from speedprior.tm.run import INPUT_FAMILIES
from speedprior.tm.stats import parse_lengths, step_statistics


class InputSet(BaseModel):
    """A family of inputs measured at each length."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=200)
    lengths: str = "0:12"  # A:B or A:B:STEP
    family: Literal[INPUT_FAMILIES] = "all"
    sample: Positive | None = None  # sample this many words per length instead of all

    @field_validator("lengths")
    @classmethod
    def _valid_lengths(cls, value):
        parse_lengths(value)
        return value


class Config(ExperimentConfig):
    """Machines (library names, files or Standard strings), a step budget per run, input sets."""

    kind: Literal["tm-compare"] = "tm-compare"
    machines: list[MachineSpec] = Field(min_length=1)
    budget: Positive = 100_000
    inputs: list[InputSet] = Field([InputSet(name="all words")], min_length=1)


def run(config: Config, ctx) -> dict:
    """Measure every machine on every input set; plot and summarise."""
    machines = {spec: load_machine(spec) for spec in config.machines}
    results: dict[str, dict] = {}
    jobs = [(s, i) for i in config.inputs for s in config.machines]
    for spec, inputs in ctx.track(jobs, total=len(jobs), description="measuring"):
        report = step_statistics(machines[spec], parse_lengths(inputs.lengths), config.budget,
                                 statistics=("mean", "max", "min", "median"), sample=inputs.sample,
                                 seed=config.seed, family=inputs.family)
        results.setdefault(spec, {})[inputs.name] = report
        ctx.log(machine=spec, inputs=inputs.name, fit={k: v["class"] for k, v in report["fit"].items()})
    _plot(config, results, ctx)
    summary = {"machines": {}}
    for spec, by_input in results.items():
        summary["machines"][spec] = {
            name: {
                "growth": {stat: fit["class"] for stat, fit in report["fit"].items()},
                "r2": {stat: round(fit["r2"], 4) for stat, fit in report["fit"].items()},
                "largest_n": report["lengths"][-1],
                "not_halted": sum(r["inputs"] - r["halted"] for r in report["lengths"]),
            }
            for name, report in by_input.items()
        }
    ctx.section("Growth of steps", _table(config, summary))
    return summary


def _plot(config: Config, results: dict, ctx) -> None:
    fig, axes = plotting.subplots(1, len(config.inputs), figsize=(5.5 * len(config.inputs), 4), squeeze=False)
    for ax, inputs in zip(axes[0], config.inputs, strict=True):
        for index, spec in enumerate(config.machines):
            rows = results[spec][inputs.name]["lengths"]
            color = f"C{index}"
            for stat, style in (("mean", "-"), ("max", "--")):
                points = [(r["n"], r[stat]) for r in rows if r[stat] is not None]
                ax.plot(*zip(*points, strict=True), style, color=color, label=f"{spec} {stat}")
        ax.set_yscale("log")
        ax.set_xlabel("input length n")
        ax.set_ylabel("steps")
        ax.set_title(inputs.name)
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=7)
    ctx.save_figure(fig, "steps-by-length")


def _table(config: Config, summary: dict) -> str:
    lines = ["| machine | inputs | mean grows as | max grows as | mean at largest n | max at largest n |",
             "|---|---|---|---|---|---|"]
    for spec, by_input in summary["machines"].items():
        for name, entry in by_input.items():
            last = entry["largest_n"]
            lines.append(f"| {spec} | {name} (n ≤ {last['n']}) | {entry['growth'].get('mean', '-')} | "
                         f"{entry['growth'].get('max', '-')} | {last['mean']} | {last['max']} |")
    return "\n".join(lines)
