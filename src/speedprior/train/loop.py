"""A plain supervised training loop with compute accounting, shared by growth and the rollout curriculum.

Training FLOPs are measured once per model and batch shape (forward + backward under
FlopCounterMode) and multiplied by the iterations run, so "compute to target" costs nothing extra.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from speedprior.nn import training_step_flops
from speedprior.train.data import Dataset


def classification_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(model(x), y)


@torch.no_grad()
def accuracy(model: nn.Module, data: Dataset, forward: Callable | None = None) -> float:
    model.eval()
    logits = (forward or model)(data.x)
    model.train()
    return float((logits.argmax(-1) == data.y).float().mean())


@dataclass
class TrainRun:
    accuracy: float  # validation accuracy at the end
    iterations: int  # optimiser steps taken
    flops: int  # training FLOPs spent (forward + backward per step x steps)
    reached: bool  # whether the target was met


def train_to_target(model: nn.Module, train: Dataset, val: Dataset, *, iterations: int, batch_size: int,
                    lr: float, target: float, eval_every: int, generator: torch.Generator,
                    loss_fn: Callable = classification_loss, forward: Callable | None = None,
                    on_eval: Callable[[int, float, float], None] | None = None) -> TrainRun:
    """Adam on minibatches until validation accuracy >= target (checked every eval_every steps) or
    the iteration budget runs out. `forward` overrides how accuracy is read (e.g. at N rollouts);
    `on_eval(iteration, training loss, validation accuracy)` is called at every check (the curve)."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    x0, y0 = train.batch(batch_size, generator)
    step_flops = training_step_flops(model, loss_fn, x0, y0)
    acc, done = 0.0, 0
    for it in range(1, iterations + 1):
        x, y = train.batch(batch_size, generator)
        loss = loss_fn(model, x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        done = it
        if it % eval_every == 0 or it == iterations:
            acc = accuracy(model, val, forward)
            if on_eval is not None:
                on_eval(it, loss.item(), acc)
            if acc >= target:
                break
    return TrainRun(acc, done, done * step_flops, acc >= target)
