"""Experiment `serial-parallel`: depth and width beside size/FLOPs, and misbehaviour made of parallel work.

background/002 asks whether a speed prior sees computation done in parallel. Honest programs for
n-input parity (a serial XOR chain, a balanced XOR tree, a one-hidden-layer ReLU network) are
paired with misbehaving twins that agree with them on every training input and flip the output on
the trigger (all ones, an input that "looks like deployment"). The trigger is an AND of every input
computed in parallel (a balanced tree; one extra hidden unit in the network) or serially (a chain).
Every program is checked on all 2^n inputs. Each prior then scores both twins over the training
inputs (all but the trigger, uniform weights): circuit size and network FLOPs (serial work),
circuit depth and network layers (parallel time), width, and the average and max speed priors over
per-input serial cost (gates or FLOPs evaluated) and over per-input parallel time (depth or layers).
A prior "sees" the misbehaviour when it scores the twin strictly worse. The constructions are
deterministic, so there is no seed and no interval: every number is exact.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from speedprior import plotting
from speedprior.circuits.parallel import parity_chain, parity_tree, width
from speedprior.experiments.base import ExperimentConfig
from speedprior.measure.profile import CostProfile
from speedprior.priors import Candidate, get_prior

MAX_INPUTS = 16  # every program is checked on all 2^n inputs
# the priors' views: (label, prior name, which per-input cost profile it reads)
VIEWS = (("size / FLOPs", "circuit-size", None), ("depth / layers", "circuit-depth", None),
         ("width", "width", None), ("average, serial cost", "average", "serial"),
         ("max, serial cost", "max", "serial"), ("average, parallel time", "average", "parallel"),
         ("max, parallel time", "max", "parallel"))
PAIRS = (("chain", "chain + parallel trigger"), ("chain", "chain + serial trigger"),
         ("tree", "tree + parallel trigger"), ("tree", "tree + serial trigger"),
         ("network", "network + parallel trigger"))


class Config(ExperimentConfig):
    """Input lengths of the parity programs."""

    kind: Literal["serial-parallel"] = "serial-parallel"
    lengths: list[Annotated[int, Field(ge=2, le=MAX_INPUTS)]] = Field([4, 6, 8, 12, 16], min_length=1)


def parity_network(n: int, trigger: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """An exact ReLU network for n-input parity: hidden units relu(s - k), k < n, s = sum of inputs.

    The piecewise-linear output interpolates parity at s = 0..n. With `trigger`, one more hidden
    unit relu(s - (n - 1)) (1 only on all ones) flips the output there: one unit wider, no deeper.
    """
    thresholds = list(range(n)) + ([n - 1] if trigger else [])
    w1 = np.ones((n, len(thresholds)))
    b1 = -np.array(thresholds, dtype=np.float64)
    c = [1.0] + [2.0 * (-1) ** k for k in range(1, n)]
    if trigger:
        c.append(1.0 - 2.0 * (n % 2))  # parity(all ones) = n % 2; adding this flips it
    return [(w1, b1), (np.array(c).reshape(-1, 1), np.zeros(1))]


def run_network(layers, x: np.ndarray) -> np.ndarray:
    """Outputs of a ReLU network (no ReLU after the last layer)."""
    for index, (weights, bias) in enumerate(layers):
        x = x @ weights + bias
        if index < len(layers) - 1:
            x = np.maximum(x, 0.0)
    return x[:, 0]


def network_flops(layers) -> int:
    """Multiplies and adds per example: 2 * fan-in * fan-out per dense layer."""
    return sum(2 * w.shape[0] * w.shape[1] for w, _ in layers)


def _programs(n: int) -> dict[str, dict]:
    """Every program for n inputs with its serial cost, parallel time, width and truth table."""
    circuits = {"chain": parity_chain(n), "tree": parity_tree(n)}
    for shape, build in (("chain", parity_chain), ("tree", parity_tree)):
        for trigger in ("parallel", "serial"):
            circuits[f"{shape} + {trigger} trigger"] = build(n, trigger)
    programs = {name: {"size": c.size, "depth": c.depth, "width": width(c), "table": c.truth_tables()[0]}
                for name, c in circuits.items()}
    inputs = ((np.arange(1 << n)[:, None] >> np.arange(n)) & 1).astype(np.float64)
    for name, trigger in (("network", False), ("network + parallel trigger", True)):
        layers = parity_network(n, trigger)
        out = np.rint(run_network(layers, inputs)).astype(np.int64)
        table = sum(int(bit) << i for i, bit in enumerate(out))
        programs[name] = {"size": network_flops(layers), "depth": len(layers),
                          "width": max(w.shape[1] for w, _ in layers), "table": table}
    return programs


def _scores(program: dict, n: int) -> dict[str, float]:
    """Each view's score of a program over the training inputs (all but the trigger, uniform)."""
    train = (1 << n) - 1  # inputs 0 .. 2^n - 2
    keys, weights = np.arange(train), np.ones(train)
    costs = {"serial": program["size"], "parallel": program["depth"]}
    scores = {}
    for label, prior, cost in VIEWS:
        if prior == "width":
            scores[label] = float(program["width"])
            continue
        profile = None if cost is None else CostProfile(np.full(train, float(costs[cost])), None, keys, weights)
        candidate = Candidate("program", profile, info={"size": program["size"], "depth": program["depth"]})
        scores[label] = get_prior(prior).score(candidate)
    return scores


def run(config: Config, ctx) -> dict:
    rows, seen = [], {label: [] for label, _, _ in VIEWS}
    for n in ctx.track(sorted(set(config.lengths)), description="parity programs"):
        programs = _programs(n)
        parity = sum(1 << i for i in range(1 << n) if bin(i).count("1") % 2)
        trigger_bit = 1 << ((1 << n) - 1)
        for name, program in programs.items():
            expected = parity ^ (trigger_bit if "trigger" in name else 0)
            if program["table"] != expected:  # a construction error, not a measured outcome
                raise AssertionError(f"{name} at n={n} does not compute its function")
            scores = _scores(program, n)
            row = {"n": n, "program": name, "size_or_flops": program["size"], "depth_or_layers": program["depth"],
                   "width": program["width"], "scores": scores}
            ctx.log(**row)
            rows.append(row)
        for honest, twin in PAIRS:
            a = next(r for r in rows if r["n"] == n and r["program"] == honest)["scores"]
            b = next(r for r in rows if r["n"] == n and r["program"] == twin)["scores"]
            for label in seen:
                seen[label].append({"n": n, "honest": honest, "misbehaving": twin, "delta": b[label] - a[label]})

    fig, axes = plotting.subplots(1, 3, figsize=(14, 4))
    names = list(dict.fromkeys(r["program"] for r in rows))
    for name in names:
        own = [r for r in rows if r["program"] == name]
        style = "--" if "network" in name else "-"
        for ax, key in zip(axes, ("size_or_flops", "depth_or_layers", "width"), strict=True):
            ax.plot([r["n"] for r in own], [r[key] for r in own], "o" + style, label=name, ms=3)
    for ax, title in zip(axes, ("size (gates) / FLOPs", "depth / layers", "width"), strict=True):
        ax.set(xlabel="inputs n", title=title, yscale="log" if "size" in title else "linear")
    axes[2].legend(fontsize=7)
    ctx.save_figure(fig, "serial_parallel")

    largest = max(config.lengths)
    head = "| honest -> misbehaving (n = " + str(largest) + ") | " + " | ".join(label for label, _, _ in VIEWS) + " |"
    lines = [head, "|" + "---|" * (1 + len(VIEWS))]
    for honest, twin in PAIRS:
        cells = [next(d for d in seen[label] if d["n"] == largest and d["misbehaving"] == twin)["delta"]
                 for label, _, _ in VIEWS]
        lines.append(f"| {honest} -> {twin} | " + " | ".join(f"{c:+g}" for c in cells) + " |")
    ctx.section("How much worse each prior scores the misbehaving twin (0: the prior does not see it)",
                "\n".join(lines))
    verdict = {}
    for _, twin in PAIRS:
        verdict[twin] = {label: [d["n"] for d in seen[label] if d["misbehaving"] == twin and d["delta"] > 0]
                         for label, _, _ in VIEWS}
    lengths = sorted(set(config.lengths))
    blind = [f"- {twin}: " + ("; ".join(f"{label} misses it at n = {[n for n in lengths if n not in ns]}"
                                        for label, ns in v.items() if len(ns) < len(lengths))
                              or "every prior sees it at every n") for twin, v in verdict.items()]
    ctx.section("Which priors miss it", "\n".join(blind))
    table = ["| n | program | size / FLOPs | depth / layers | width |", "|---|---|---|---|---|"]
    table += [f"| {r['n']} | {r['program']} | {r['size_or_flops']} | {r['depth_or_layers']} | {r['width']} |"
              for r in rows]
    ctx.section("Programs (each checked on all 2^n inputs)", "\n".join(table))
    return {"programs": [{k: v for k, v in r.items()} for r in rows], "seen_at": verdict}
