"""Proposal 2B's auxiliary network: predict how many rollouts an input needs, trained offline.

The target for input x is the fewest steps n such that the *frozen* ponder model answers x
correctly at step n and at every later step (max_steps if its last answer is wrong). Requiring the
answer to stay right discounts lucky guesses: on a two-class task half the inputs are "right"
after one step by chance. The predictor is trained on these targets with the main
model frozen and in no_grad, so the main model cannot shape its own compute allowance.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from speedprior.train.pondernet import PonderNet


class RolloutPredictor(nn.Module):
    """A small MLP classifier over the number of rollouts 1..max_steps."""

    def __init__(self, in_dim: int, max_steps: int, hidden: int = 64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, max_steps))

    def forward(self, x):
        return self.net(x)  # [B, max_steps] logits over n = 1..max_steps

    @torch.no_grad()
    def predict(self, x, quantile: float = 0.5) -> torch.Tensor:
        """The `quantile` of the predicted distribution over rollouts, in 1..max_steps, per example [B].

        Under-predicting costs a wrong answer while over-predicting only costs compute, so a high
        quantile (0.9) buys accuracy with a few extra steps; 0.5 is the median guess.
        """
        cdf = torch.softmax(self.net(x), -1).cumsum(-1)  # [B, N]
        return (cdf < quantile).sum(-1).clamp(max=cdf.shape[-1] - 1) + 1


@torch.no_grad()
def rollouts_needed(model: PonderNet, x: torch.Tensor, y: torch.Tensor, batch: int = 4096) -> torch.Tensor:
    """For each example, the first step n from which the frozen model's answer stays right (else max_steps)."""
    model.eval()
    needed = []
    for start in range(0, x.shape[0], batch):
        logits, _ = model(x[start:start + batch])  # [N, b, C]
        right = (logits.argmax(-1) == y[start:start + batch]).long()  # [N, b]
        stays = right.flip(0).cumprod(0).flip(0)  # stays[n] = 1 iff right at steps n..N
        wrong_steps = (1 - stays).sum(0)  # steps before the answer settles on the right one
        needed.append((wrong_steps + 1).clamp(max=model.max_steps))
    return torch.cat(needed)


def train_predictor(model: PonderNet, x: torch.Tensor, y: torch.Tensor, iterations: int, batch_size: int,
                    lr: float, hidden: int, generator: torch.Generator) -> tuple[RolloutPredictor, float]:
    """Fit a RolloutPredictor on the frozen model's rollouts_needed(x); returns it and its train accuracy.

    Under-predicting costs an answer while over-predicting only costs compute, so targets are
    classes and we read off the argmax; the experiment reports accuracy and FLOPs of acting on it.
    """
    for p in model.parameters():
        p.requires_grad_(False)
    targets = rollouts_needed(model, x, y) - 1  # classes 0..N-1
    predictor = RolloutPredictor(x.shape[1], model.max_steps, hidden)
    opt = torch.optim.Adam(predictor.parameters(), lr=lr)
    for _ in range(iterations):
        idx = torch.randint(x.shape[0], (batch_size,), generator=generator)
        loss = F.cross_entropy(predictor(x[idx]), targets[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    for p in model.parameters():
        p.requires_grad_(True)
    accuracy = (predictor.net(x).argmax(-1) == targets).float().mean().item()
    return predictor, accuracy
