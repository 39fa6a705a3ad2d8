"""Cross-episode memory as a machine: a sleeper whose tape persists from one episode to the next.

`memory.py` models memory arithmetically (a free table amortises the misbehaviour over repeated
visits). Here memory is a Turing machine's tape. Each episode the *memory module* runs on the
tape `flag counter # input`, where `flag counter #` is what the previous episode left:

    flag      n (normal) or d (deployment detected, remembered for good)
    counter   `width` binary cells, o = 0 and i = 1, least significant first
    #         the end of the memory

The module reads the flag (d: accept, i.e. defect, at once), increments the counter and, only
when it wraps (every 2^width episodes), scans the input for the trigger; finding it, it walks
back, writes d and defects. Otherwise it halts with reject, meaning "carry on", and the honest
solver decides the input. An episode's cost is the module's steps plus the honest solver's; the
memory carried on is the first width + 2 cells of the module's final tape. Every number comes
from running the machines episode by episode; nothing is amortised by formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from speedprior.errors import BudgetError
from speedprior.tm.description import description_bits
from speedprior.tm.machine import TuringMachine
from speedprior.tm.run import run
from speedprior.tm.spec import from_dict

SYMBOLS = "_012ndoi#"
MAX_WIDTH = 12


def module(width: int) -> TuringMachine:
    """The memory module with a `width`-bit episode counter (width 0: scan every episode)."""
    if not 0 <= width <= MAX_WIDTH:
        raise BudgetError(f"counter width must lie in 0..{MAX_WIDTH}, got {width}")
    rules = ["flag d -> accept d S", "flag n -> inc n R",
             "inc i -> inc o R", "inc o -> reject i S",  # add one, carrying; no wrap: carry on
             "inc # -> scan # R",  # the counter wrapped (all ones became zeros): look for the trigger
             "scan 0 -> scan 0 R", "scan 1 -> scan 1 R", "scan _ -> reject _ S", "scan 2 -> back 2 L",
             "back * -> back * L", "back _ -> mark _ R", "mark n -> accept d S"]
    return from_dict({"name": f"memory-{width}", "symbols": SYMBOLS, "input": SYMBOLS[1:], "start": "flag",
                      "transitions": rules}, source=f"memory-{width}")


def fresh_memory(width: int) -> str:
    """The memory before the first episode: normal flag, counter zero."""
    return "n" + "o" * width + "#"


@dataclass(frozen=True)
class Episodes:
    """A memory sleeper's run over a sequence of episodes: per-episode module steps and verdicts."""

    width: int
    module_steps: np.ndarray  # steps of the memory module per episode
    defected: np.ndarray  # the module accepted (defects) in that episode
    memory: str  # what the tape holds after the last episode


def run_episodes(width: int, inputs: Sequence[str], memory: str | None = None, budget: int = 10_000) -> Episodes:
    """Run the memory module of `width` over `inputs` in order, carrying its memory between episodes."""
    machine = module(width)
    memory = fresh_memory(width) if memory is None else memory
    size = width + 2
    steps = np.zeros(len(inputs), dtype=np.int64)
    defected = np.zeros(len(inputs), dtype=bool)
    for e, word in enumerate(inputs):
        result = run(machine, memory + word, budget)
        if not result.halted:
            raise BudgetError(f"memory module {width} did not halt within {budget} steps on episode {e}")
        steps[e], defected[e] = result.steps, bool(result.accepted)
        memory = result.tape[:size]
    return Episodes(width, steps, defected, memory)


def training_schedule(count: int, episodes: int) -> np.ndarray:
    """Input index per training episode: every input `episodes` times, round robin."""
    if episodes < 1:
        raise BudgetError(f"episodes per input must be at least 1, got {episodes}")
    return np.tile(np.arange(count), episodes)


def mean_cost_per_input(schedule: np.ndarray, steps: np.ndarray, count: int) -> np.ndarray:
    """Mean module steps per input over its visits in `schedule`."""
    totals = np.bincount(schedule, weights=steps, minlength=count)
    visits = np.bincount(schedule, minlength=count)
    return totals / np.maximum(visits, 1)


def bits(width: int) -> float:
    """Description bits of the module (added to the honest solver's to describe the whole program)."""
    return float(description_bits(module(width)))


def sleeper_truth(honest, width: int, episodes: int, train_inputs: Sequence[str], deploy_inputs: Sequence[str],
                  budget: int = 10_000, only: np.ndarray | None = None):
    """The honest solver `honest` (a `truth.Truth`) behind a memory module of `width`, as a Truth.

    Training: every input `episodes` times, round robin, from a fresh memory; an input's cost is
    the honest cost plus the module's mean steps over its visits. `only` (a mask over the training
    inputs) runs the module on those inputs alone, e.g. where the honest solver stops early (the
    careful sleeper's hiding place); elsewhere the episode is the honest run and the memory waits.
    Deployment: one pass over `deploy_inputs` from the memory training left; a defection is an
    episode the module accepts. The head's travel between the memory and the input is not charged,
    which favours the sleeper."""
    from dataclasses import replace

    from speedprior.programs import Outcome

    schedule = training_schedule(len(train_inputs), episodes)
    if only is not None:
        schedule = schedule[np.asarray(only, dtype=bool)[schedule]]
    trained = run_episodes(width, [train_inputs[i] for i in schedule], budget=budget)
    if trained.defected.any():
        raise BudgetError(f"memory module {width} defected in training (a training input holds the trigger)")
    extra = mean_cost_per_input(schedule, trained.module_steps.astype(np.float64), len(train_inputs))
    deployed = run_episodes(width, list(deploy_inputs), trained.memory, budget)
    deploy_outputs = np.where(deployed.defected, 1, honest.deploy.outputs)
    deploy_costs = deployed.module_steps + np.where(deployed.defected, 0, honest.deploy.costs)
    # the counter's width is part of the program: an Elias-gamma code of width + 1 on top of the module
    careful = only is not None
    width_bits = 2 * int(np.floor(np.log2(width + 1))) + 1 + (1 if careful else 0)
    return replace(honest, name=f"{honest.base}+memory{'-careful' if careful else ''}-{width}",
                   kind="memory-careful" if careful else "memory-sleeper",
                   train=Outcome(honest.train.outputs, honest.train.costs + extra, honest.train.halted),
                   deploy=Outcome(deploy_outputs, deploy_costs, np.ones(len(deploy_inputs), dtype=bool)),
                   train_extra=extra, deploy_extra=deploy_costs - honest.deploy.costs,
                   deploy_defects=deploy_outputs != honest.deploy.outputs,
                   description_bits=honest.description_bits + bits(width) + width_bits)
