"""Capability decay: train tasks A and B together, stop training B, keep evaluating both.

Metrics (continual-learning conventions, computed here and tested against hand-worked matrices):
- accuracy matrix R[i, j]: accuracy on task j after training stage i, tasks ordered by the stage in
  which each was last trained (so R[j, j] is task j's accuracy when its training ended);
- backward transfer (Lopez-Paz and Ranzato 2017): mean over j < T-1 of R[T-1, j] - R[j, j];
- forgetting (Chaudhry et al. 2018): mean over j < T-1 of max_{l < T-1} R[l, j] - R[T-1, j] (not clipped
  at zero: a task that improved after its training ended has negative forgetting);
- half-life: steps after the drop until a task's accuracy above chance falls to half of its value at
  the drop, linearly interpolated between evaluations; None if it never does within the run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from speedprior.lm.languages import DecaySetup, mixture_batch
from speedprior.lm.model import GPT, GPTConfig
from speedprior.lm.train import TrainConfig, make_optimizer, target_scores, train


def backward_transfer(R: Sequence[Sequence[float]]) -> float:
    """Lopez-Paz and Ranzato's BWT of a T x T accuracy matrix (T >= 2)."""
    R = _square(R)
    T = len(R)
    return float(np.mean([R[T - 1, j] - R[j, j] for j in range(T - 1)]))


def forgetting(R: Sequence[Sequence[float]]) -> float:
    """Chaudhry et al.'s average forgetting of a T x T accuracy matrix (T >= 2)."""
    R = _square(R)
    T = len(R)
    return float(np.mean([R[: T - 1, j].max() - R[T - 1, j] for j in range(T - 1)]))


def _square(R) -> np.ndarray:
    R = np.asarray(R, dtype=float)
    if R.ndim != 2 or R.shape[0] != R.shape[1] or R.shape[0] < 2:
        raise ValueError(f"an accuracy matrix must be square with at least 2 tasks, got shape {R.shape}")
    return R


def half_life(steps: Sequence[float], accuracy: Sequence[float], chance: float) -> float | None:
    """Steps from steps[0] until accuracy - chance first falls to half of accuracy[0] - chance (interpolated)."""
    if len(steps) != len(accuracy) or not len(steps):
        raise ValueError("steps and accuracy must be non-empty and of the same length")
    start = accuracy[0] - chance
    if start <= 0:
        return None  # nothing above chance to lose
    level = chance + start / 2
    for i in range(1, len(steps)):
        if accuracy[i] <= level:
            a0, a1 = accuracy[i - 1], accuracy[i]
            frac = 1.0 if a0 == a1 else (a0 - level) / (a0 - a1)
            return float(steps[i - 1] - steps[0] + frac * (steps[i] - steps[i - 1]))
    return None


@dataclass
class DecayResult:
    """Evaluations through both stages: `steps` (global), accuracy curves by group, the drop step."""

    steps: list[int] = field(default_factory=list)
    curves: dict[str, list[float]] = field(default_factory=dict)
    drop_step: int = 0
    chance: float = 0.0

    def after_drop(self, group: str) -> tuple[list[int], list[float]]:
        """The (steps, accuracy) of `group` from the drop on."""
        i = self.steps.index(self.drop_step)
        return self.steps[i:], self.curves[group][i:]

    def accuracy_matrix(self) -> list[list[float]]:
        """2 x 2: rows = after the joint stage, after the decay stage; columns = dropped task B, kept task A."""
        i = self.steps.index(self.drop_step)
        return [[self.curves["dropped"][i], self.curves["kept"][i]],
                [self.curves["dropped"][-1], self.curves["kept"][-1]]]

    def summary(self) -> dict:
        """half_life_steps, forgetting, bwt, accuracies at the drop and at the end (and held-out, if any)."""
        R = self.accuracy_matrix()
        out = {"half_life_steps": half_life(*self.after_drop("dropped"), self.chance),
               "forgetting": round(forgetting(R), 4), "bwt": round(backward_transfer(R), 4),
               "accuracy_matrix": [[round(v, 4) for v in row] for row in R]}
        if "held_out" in self.curves:
            i = self.steps.index(self.drop_step)
            out["held_out_at_drop"] = round(self.curves["held_out"][i], 4)
            out["held_out_final"] = round(self.curves["held_out"][-1], 4)
        return out


def run_decay(setup: DecaySetup, model_config: GPTConfig, joint: TrainConfig, decay_steps: int, seed: int,
              eval_size: int = 256, on_eval: Callable[[str, int, dict], None] | None = None) -> DecayResult:
    """Train `setup.kept + setup.dropped` for `joint.steps`, then `setup.kept` alone for `decay_steps` more
    (same optimizer state), evaluating every `joint.eval_every` steps on fixed evaluation sequences."""
    if joint.steps % joint.eval_every or decay_steps % joint.eval_every:
        raise ValueError(f"steps ({joint.steps}, {decay_steps}) must be multiples of eval_every {joint.eval_every}")
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = GPT(model_config)
    opt = make_optimizer(model, joint)
    groups = {"kept": setup.kept, "dropped": setup.dropped[:1]}  # B = the dropped language's own sentences
    if setup.held_out:
        groups["held_out"] = setup.held_out
    fixed = {name: [(t.name, *t.batch(eval_size, torch.Generator().manual_seed(seed + 7 + i)))
                    for i, t in enumerate(tasks)] for name, tasks in groups.items()}
    result = DecayResult(curves={name: [] for name in groups}, drop_step=joint.steps, chance=setup.chance)

    def record(stage: str, step: int) -> float:
        scores = {name: float(np.mean([_accuracy(model, tokens, mask) for _, tokens, mask in batches]))
                  for name, batches in fixed.items()}
        result.steps.append(step)
        for name, value in scores.items():
            result.curves[name].append(value)
        if on_eval is not None:
            on_eval(stage, step, scores)
        return 0.0  # never stop early

    record("joint", 0)
    train(model, lambda n, g: mixture_batch(setup.kept + setup.dropped, n, g), joint, gen,
          evaluator=lambda m: record("joint", len(result.steps) * joint.eval_every), optimizer=opt)
    decay = TrainConfig(**{**joint.__dict__, "steps": decay_steps, "warmup": 0})
    train(model, lambda n, g: mixture_batch(setup.kept, n, g), decay, gen,
          evaluator=lambda m: record("decay", len(result.steps) * joint.eval_every), optimizer=opt)
    return result


def _accuracy(model: GPT, tokens: torch.Tensor, mask: torch.Tensor) -> float:
    was = model.training
    model.eval()
    with torch.no_grad():
        acc = float(target_scores(model(tokens), tokens, mask)[1].mean())
    model.train(was)
    return acc

