"""Proposal 2A: a fixed number of rollouts, with the output fed back as a scratchpad.

`ScratchpadRecurrent(step, out_dim, pad_dim)` runs any step module mapping [x, previous output]
to a new output for N rollouts; the first `out_dim` entries of the output are the answer, the
rest are scratch space the network learns to use. The curriculum trains at N = 1, 2, ... (keeping
the weights) and stops at the first N whose validation accuracy meets the target: the minimal
number of rollouts, a coarse max speed prior.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from speedprior.train.data import Dataset
from speedprior.train.loop import TrainRun, train_to_target


class ScratchpadRecurrent(nn.Module):
    """residual=True writes the scratchpad incrementally (out += step(...)), which keeps long unrolls
    trainable; residual=False replaces it each rollout."""

    def __init__(self, step: nn.Module, out_dim: int, pad_dim: int, residual: bool = True):
        super().__init__()
        self.step, self.out_dim, self.pad_dim, self.residual = step, out_dim, pad_dim, residual

    def forward(self, x: torch.Tensor, n_rollouts: int) -> torch.Tensor:
        out = x.new_zeros(x.shape[0], self.out_dim + self.pad_dim)  # [B, C + P] empty scratchpad
        for _ in range(n_rollouts):
            update = self.step(torch.cat([x, out], dim=-1))  # [B, D + C + P] -> [B, C + P]
            out = out + update if self.residual else update
        return out[:, : self.out_dim]  # [B, C] answer logits


def mlp_step(in_dim: int, out_dim: int, pad_dim: int, hidden: int) -> nn.Module:
    """A one-hidden-layer step reading [input, scratchpad] and writing a scratchpad update."""
    d = out_dim + pad_dim
    return nn.Sequential(nn.Linear(in_dim + d, hidden), nn.ReLU(), nn.Linear(hidden, d))


@dataclass
class CurriculumStage:
    n_rollouts: int
    run: TrainRun


@dataclass
class CurriculumResult:
    minimal_rollouts: int | None  # first N that met the target (None if none did)
    compute: int  # training FLOPs over all stages
    stages: list[CurriculumStage] = field(default_factory=list)


def rollout_curriculum(model: ScratchpadRecurrent, train: Dataset, val: Dataset, n_values: Sequence[int], *,
                       iterations: int, batch_size: int, lr: float, target: float, eval_every: int,
                       generator: torch.Generator,
                       on_eval: Callable[[int, int, float, float], None] | None = None) -> CurriculumResult:
    """Raise N through `n_values`, training `iterations` steps at each, until accuracy >= target.

    `on_eval(n, iteration, training loss, validation accuracy)` is called at every accuracy check."""
    result = CurriculumResult(None, 0)
    for n in n_values:
        def loss_fn(m, x, y, n=n):
            return F.cross_entropy(m(x, n), y)

        run = train_to_target(model, train, val, iterations=iterations, batch_size=batch_size, lr=lr,
                              target=target, eval_every=eval_every, generator=generator, loss_fn=loss_fn,
                              forward=lambda x, n=n: model(x, n),
                              on_eval=None if on_eval is None else lambda it, loss, acc, n=n: on_eval(n, it, loss, acc))
        result.stages.append(CurriculumStage(n, run))
        result.compute += run.flops
        if run.reached:
            result.minimal_rollouts = n
            break
    return result
