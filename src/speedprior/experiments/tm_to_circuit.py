"""Experiment `tm-to-circuit`: tableau circuits of 1-tape machines, size and depth against t.

For each machine and input length n, the time bound is the most steps the machine takes on
an input of length n; the tableau circuit is built, checked against the machine on every
input, and its size and depth are recorded. The report plots size and depth against t and
lists where circuit size or depth ranks the machines differently from TM steps.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field, field_validator, model_validator

from speedprior import plotting
from speedprior.circuits.tableau import (
    MAX_TABLEAU_GATES,
    check_tableau,
    longest_run,
    tableau_circuit,
    tableau_gate_bound,
)
from speedprior.experiments.base import ExperimentConfig, MachineSpec, NonNegative

MAX_LENGTH = 16  # every tableau is checked against the machine on all 2^n inputs


class Config(ExperimentConfig):
    """Machines (1 tape, binary input), input lengths, and a sweep of time bounds at one length."""

    machines: list[MachineSpec] = Field(["sipser-0n1n-zigzag", "sipser-0n1n-halving"], min_length=1)
    lengths: list[NonNegative] = Field([1, 2, 3, 4, 5, 6, 7, 8], min_length=1)
    sweep_length: NonNegative = 4
    sweep_steps: list[NonNegative] = Field([2, 4, 8, 16, 24, 32, 48, 64], min_length=1)
    check: bool = True

    @field_validator("machines")
    @classmethod
    def _tableau_machines(cls, specs):
        from speedprior.tm.library import load_machine

        for spec in specs:
            tableau_circuit(load_machine(spec), 0, 0)  # refuses multi-tape machines and non-binary inputs
        return specs

    @field_validator("lengths", "sweep_length")
    @classmethod
    def _small_lengths(cls, value):
        for n in value if isinstance(value, list) else [value]:
            if n > MAX_LENGTH:
                raise ValueError(f"input length {n} is above {MAX_LENGTH} (tableaux are checked on all 2^n inputs)")
        return value

    @model_validator(mode="after")
    def _tableaux_fit(self):
        from speedprior.tm.library import load_machine

        for spec in self.machines:
            machine = load_machine(spec)
            for t in self.sweep_steps:
                gates = tableau_gate_bound(self.sweep_length, t, machine.n_states, machine.n_symbols)
                if gates > MAX_TABLEAU_GATES:
                    raise ValueError(f"{spec} at t={t} needs up to {gates:,} tableau gates; "
                                     f"the limit is {MAX_TABLEAU_GATES:,}")
        return self


def _ranking(values: dict[str, float]) -> str:
    """Machines from least to most, ties joined by '='."""
    order = sorted(values, key=lambda k: values[k])
    text = order[0]
    for prev, name in zip(order, order[1:], strict=False):
        text += (" = " if values[name] == values[prev] else " < ") + name
    return text


def run(config: Config, ctx) -> dict:
    from speedprior.tm import load_machine, steps_profile

    machines = {name: load_machine(name) for name in config.machines}
    rows = []
    for name, machine in ctx.track(list(machines.items()), description="tableaux"):
        for n in config.lengths:
            t = longest_run(machine, n)  # refuses a machine whose longest run would not fit a tableau
            steps = steps_profile(machine, [n], budget=t + 1).steps
            tableau = tableau_circuit(machine, n, t)
            checked = check_tableau(tableau, machine) if config.check else 0
            row = {"machine": name, "n": n, "t": t, "mean_steps": float(steps.mean()),
                   "size": tableau.circuit.size, "depth": tableau.circuit.depth, "checked": checked}
            ctx.log(**row)
            rows.append(row)
    sweep = []
    for name, machine in machines.items():
        for t in config.sweep_steps:
            tableau = tableau_circuit(machine, config.sweep_length, t)
            if config.check:
                check_tableau(tableau, machine)
            sweep.append({"machine": name, "t": t, "size": tableau.circuit.size, "depth": tableau.circuit.depth})

    fig, axes = plotting.subplots(1, 2, figsize=(11, 4))
    for name in machines:
        pts = [r for r in sweep if r["machine"] == name]
        ts = [r["t"] for r in pts]
        axes[0].plot(ts, [r["size"] for r in pts], "o-", label=f"{name} (n={config.sweep_length})")
        axes[1].plot(ts, [r["depth"] for r in pts], "o-", label=f"{name} (n={config.sweep_length})")
        own = [r for r in rows if r["machine"] == name]
        axes[0].plot([r["t"] for r in own], [r["size"] for r in own], "x--", label=f"{name}, t = max steps(n)")
        axes[1].plot([r["t"] for r in own], [r["depth"] for r in own], "x--", label=f"{name}, t = max steps(n)")
    axes[0].set(xscale="log", yscale="log", xlabel="time bound t", ylabel="gates", title="tableau size")
    axes[1].set(xlabel="time bound t", ylabel="depth", title="tableau depth")
    axes[0].legend(fontsize=7)
    axes[1].legend(fontsize=7)
    ctx.save_figure(fig, "tableau_size_depth")

    table = ["| n | max steps | circuit size | circuit depth | disagree |", "|---|---|---|---|---|"]
    flips = []
    for n in config.lengths:
        at_n = {r["machine"]: r for r in rows if r["n"] == n}
        ranks = [_ranking({m: r[key] for m, r in at_n.items()}) for key in ("t", "size", "depth")]
        differs = [label for label, rank in zip(("size", "depth"), ranks[1:], strict=True) if rank != ranks[0]]
        if differs:
            flips.append({"n": n, "by": differs})
        table.append(f"| {n} | {ranks[0]} | {ranks[1]} | {ranks[2]} | {', '.join(differs) or '-'} |")
    slopes = {}
    for name in machines:
        pts = [r for r in sweep if r["machine"] == name and r["t"] >= 8]
        if len(pts) >= 2:
            slopes[name] = float(np.polyfit(np.log([r["t"] for r in pts]), np.log([r["size"] for r in pts]), 1)[0])
    ctx.section("Tableau circuits", "\n".join(
        ["Each tableau is checked against its machine on every input of length n.", "",
         "| machine | n | t | size | depth |", "|---|---|---|---|---|"]
        + [f"| {r['machine']} | {r['n']} | {r['t']} | {r['size']} | {r['depth']} |" for r in rows]))
    ctx.section("Rankings (least first)", "\n".join(table))
    ctx.section("Growth", "\n".join(f"- {m}: size ~ t^{s:.2f} over the sweep (t >= 8, n = {config.sweep_length})"
                                    for m, s in slopes.items()))
    return {"rows": rows, "sweep": sweep, "rank_flips": flips, "size_exponent": slopes}
