"""Adaptive Computation Time (Graves, 2016), the baseline PonderNet is compared with.

Same step protocol as PonderNet. Step n emits a halting unit h_n = sigmoid(halt_logit); the example
stops at N = the first n with sum_{j<=n} h_j >= 1 - eps (or at max_steps). The answer is the
mean-field mixture sum_n p_n y_n with p_n = h_n before N and the remainder R = 1 - sum_{n<N} h_n at N,
and the ponder cost N + R is penalised with weight tau (the gradient flows through R only).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from speedprior.train.pondernet import PonderResult, select_examples


class ACT(nn.Module):
    """Wrap a step module with ACT halting. The halting bias starts negative (halt_bias < 0), so the
    model begins by pondering several steps instead of stopping after the first."""

    def __init__(self, step: nn.Module, max_steps: int, eps: float = 0.01, halt_bias: float = -1.0):
        super().__init__()
        self.step, self.max_steps, self.eps = step, max_steps, eps
        if hasattr(step, "halt") and getattr(step.halt, "bias", None) is not None:
            nn.init.constant_(step.halt.bias, halt_bias)

    def forward(self, x: torch.Tensor):
        """Mean-field logits [B, C] and ponder cost N + R [B]; steps run on the whole batch, masked."""
        batch = x.shape[0]
        cum = x.new_zeros(batch)  # sum of halting units so far
        running = torch.ones(batch, dtype=torch.bool, device=x.device)
        ponder = x.new_zeros(batch)
        mixed, state = None, None
        for n in range(1, self.max_steps + 1):
            state, logits, halt_logit = self.step(x, state)
            h = torch.sigmoid(halt_logit)
            last = running & ((cum + h >= 1 - self.eps) | (n == self.max_steps))
            remainder = 1 - cum
            p = torch.where(last, remainder, torch.where(running, h, torch.zeros_like(h)))
            mixed = p[:, None] * logits if mixed is None else mixed + p[:, None] * logits
            ponder = ponder + torch.where(last, n + remainder, torch.zeros_like(h))
            cum = cum + torch.where(running & ~last, h, torch.zeros_like(h))
            running = running & ~last
            if not running.any():
                break
        return mixed, ponder

    def loss(self, x: torch.Tensor, y: torch.Tensor, tau: float) -> tuple[torch.Tensor, torch.Tensor]:
        logits, ponder = self(x)
        return F.cross_entropy(logits, y) + tau * ponder.mean(), ponder

    @torch.no_grad()
    def infer(self, x: torch.Tensor) -> PonderResult:
        """Per-example halting: later steps run only on the examples whose halting sum is below 1 - eps."""
        batch = x.shape[0]
        active, state = torch.arange(batch), None
        cum = x.new_zeros(batch)
        out, steps = None, torch.full((batch,), self.max_steps, dtype=torch.long)
        for n in range(1, self.max_steps + 1):
            state, logits, halt_logit = self.step(x[active], state)
            if out is None:
                out = logits.new_zeros(batch, logits.shape[-1])
            h = torch.sigmoid(halt_logit)
            last = (cum[active] + h >= 1 - self.eps) | (n == self.max_steps)
            p = torch.where(last, 1 - cum[active], h)
            out[active] += p[:, None] * logits
            cum[active] += h
            steps[active[last]] = n
            keep = ~last
            if not keep.any():
                break
            active, state = active[keep], select_examples(state, keep)
        return PonderResult(out, steps)
