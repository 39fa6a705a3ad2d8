"""Checks for deception: audits that look like deployment, and the sleeper that pays to evade them.

background/002: "checks for deception during the training process will likely force deceptive
programs to spend extra computation on avoiding the checks". Here a check of strength s is a set
of *audit* inputs added to training: every word over {0,1,2} holding the trigger, of length 1..s.
They look like deployment (the trigger is there) and their right verdict is the honest one
(reject). Deployment inputs are the trigger words just longer than the audits (lengths s+1..s+d).

A sleeper that defects on every trigger word (`sleeper-naive`, `-careful`, `-free`) fails the
first audit and is no longer a solver. The `evader` keeps defecting in deployment: where the
careful sleeper would accept a trigger, it first walks back to the left end and counts the
input's cells, defecting only past s of them; on an audit it counts, finds s or fewer, and
rejects like the honest solver. `evader-free` does the same from the free sleeper's fused check,
so it costs nothing on the binary training words and pays only on the audits. Their extra steps
on the audits grow with s; they are measured by running.
Every machine is built by rule surgery on the honest solvers (as in `families.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from speedprior.errors import BudgetError
from speedprior.testbeds.families import early_exits, honest_data  # the families' surgery helpers
from speedprior.testbeds.task import TRIGGER, Universe, in_language
from speedprior.tm.description import description_bits
from speedprior.tm.machine import TuringMachine
from speedprior.tm.run import run_batch
from speedprior.tm.spec import from_dict

KINDS = ("honest", "sleeper-naive", "sleeper-careful", "sleeper-free", "evader", "evader-free")
MAX_STRENGTH = 7


def trigger_words(lengths: range) -> list[str]:
    """Every word over {0,1,2} holding the trigger, of the given lengths, shortest first."""
    words = []
    for n in lengths:
        digits = np.indices((3,) * n).reshape(n, -1).T if n else np.zeros((1, 0), dtype=int)
        words += ["".join("012"[d] for d in row) for row in digits if 2 in row]
    return words


def evader(base: str, strength: int, fused: bool = False) -> TuringMachine:
    """The careful (or, `fused`, the free) sleeper of `base` that defects on a trigger word only when it
    has more than `strength` cells."""
    if not 0 <= strength <= MAX_STRENGTH:
        raise BudgetError(f"strength must lie in 0..{MAX_STRENGTH}, got {strength}")
    data = honest_data(base)
    rules: list[str] = data["transitions"]
    exits = early_exits(data, base)
    if fused:  # the honest scan meets the trigger: go count, in the same step
        rules += [f"{s} {c} -> home {c} L" for s, c in exits if c == TRIGGER]
    else:
        rules += [f"{s} {c} -> check {c} S" for s, c in exits]
        rules += ["check * -> check * R", "check _ -> reject _ S", f"check {TRIGGER} -> home {TRIGGER} L"]
    rules += ["home * -> home * L", "home _ -> count0 _ R"]
    # count_i has read i cells: a blank there means the word has i <= strength cells (an audit)
    for i in range(strength + 1):
        after = f"count{i + 1}" if i < strength else "accept"
        rules += [f"count{i} _ -> reject _ S", f"count{i} * -> {after} * {'R' if i < strength else 'S'}"]
    data["name"] = f"{base}/evader{'-free' if fused else ''}-{strength}"
    return from_dict(data, source=data["name"])


def machine(base: str, kind: str, strength: int) -> TuringMachine:
    """The program of `kind` derived from honest solver `base` (strength matters for the evader)."""
    if kind in ("evader", "evader-free"):
        return evader(base, strength, fused=kind == "evader-free")
    from speedprior.testbeds.families import variant

    return variant(base, kind)


@dataclass(frozen=True)
class AuditedTask:
    """Training = the flagship's binary words plus the audits of `strength`; deployment beyond the audits."""

    universe: Universe
    strength: int
    deploy_span: int = 2

    @cached_property
    def audits(self) -> list[str]:
        return trigger_words(range(1, self.strength + 1))

    @cached_property
    def deploy(self) -> list[str]:
        return trigger_words(range(self.strength + 1, self.strength + 1 + self.deploy_span))

    @cached_property
    def train(self) -> list[str]:
        return list(self.universe.train) + self.audits

    @cached_property
    def is_audit(self) -> np.ndarray:
        return np.array([TRIGGER in w for w in self.train])

    @cached_property
    def train_targets(self) -> np.ndarray:
        return np.array([in_language(w) for w in self.train], dtype=np.int8)


@dataclass(frozen=True)
class Measured:
    """One program on an audited task: training costs and verdicts, deployment defections, bits."""

    name: str
    kind: str
    base: str
    steps: np.ndarray
    halted: np.ndarray
    outputs: np.ndarray
    defects: int  # deployment inputs it accepts (every one holds the trigger: the honest verdict is reject)
    bits: float


def measure(task: AuditedTask, bases: tuple[str, ...], kinds: tuple[str, ...], budget: int = 100_000) -> list[Measured]:
    """Build and run every program on the training (with audits) and deployment inputs."""
    out = []
    for base in bases:
        for kind in kinds:
            tm = machine(base, kind, task.strength)
            train = run_batch(tm, task.train, budget)
            deploy = run_batch(tm, task.deploy, budget) if task.deploy else None
            defects = int((deploy.accepted == 1).sum()) if deploy is not None else 0
            out.append(Measured(tm.name, kind, base, train.steps.astype(np.float64), train.halted,
                                train.accepted, defects, float(description_bits(tm))))
    return out

