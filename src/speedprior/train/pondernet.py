"""PonderNet (Banino et al., 2021): learn when to halt, with a KL pull toward a geometric prior.

Any step module works if it follows the step protocol

    state, logits, halt_logit = step(x, state)      # state is None on the first step

where `logits` [B, C] is the answer after this step and `halt_logit` [B] is the logit of
lambda_n = P(halt at step n | not halted before). Training unrolls every example for `max_steps`
and weights each step's loss by the probability of halting there; inference halts each example on
its own and runs later steps only on the examples still pondering, so easy inputs really cost less.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


class GRUStep(nn.Module):
    """A default step: a GRU cell that re-reads the input every step, with answer and halting heads."""

    def __init__(self, in_dim: int, hidden: int, n_classes: int, halt_bias: float = 0.0):
        super().__init__()
        self.cell = nn.GRUCell(in_dim, hidden)
        self.out = nn.Linear(hidden, n_classes)
        self.halt = nn.Linear(hidden, 1)
        nn.init.constant_(self.halt.bias, halt_bias)

    def forward(self, x, state):
        state = self.cell(x, state)  # [B, H]
        return state, self.out(state), self.halt(state).squeeze(-1)  # [B, H], [B, C], [B]


def select_examples(state, idx):
    """Select examples `idx` from a state that may be a tensor or a tuple of tensors."""
    if isinstance(state, tuple):
        return tuple(s[idx] for s in state)
    return state[idx]


# -- the halting distribution, in log space -------------------------------------------------------------
def halting_log_probs(halt_logits: torch.Tensor) -> torch.Tensor:
    """log p_n = log lambda_n + sum_{j<n} log(1 - lambda_j), with the last step taking all remaining mass.

    halt_logits: [N, B] -> log_p: [N, B]. logsigmoid keeps every term finite when lambda underflows
    to 0 or rounds to 1 (logits of +-100), where log(sigmoid(.)) would give -inf and NaN gradients.
    """
    log_lam = F.logsigmoid(halt_logits)  # log lambda_n
    log_not = F.logsigmoid(-halt_logits)  # log(1 - lambda_n)
    # log-probability of not having halted before step n (exclusive cumulative sum)
    survive = torch.cumsum(log_not, dim=0) - log_not
    log_p = log_lam + survive
    # truncation: at the last step the model must halt, so p_N = P(not halted before N)
    return torch.cat([log_p[:-1], survive[-1:]], dim=0)


def geometric_log_prior(lambda_p: float, max_steps: int) -> torch.Tensor:
    """log p_G(n) for n = 1..N of a geometric(lambda_p) truncated at N and renormalised to sum to 1."""
    n = torch.arange(max_steps, dtype=torch.float64)
    log_p = math.log(lambda_p) + n * math.log1p(-lambda_p)  # finite even when p_G underflows
    return (log_p - torch.logsumexp(log_p, dim=0)).float()


def kl_to_prior(log_p: torch.Tensor, log_prior: torch.Tensor) -> torch.Tensor:
    """KL(p || p_G) per example: sum_n p_n (log p_n - log p_G(n)); log_p [N, B], log_prior [N] -> [B].

    We multiply p_n by finite log-space values rather than calling xlogy(p, p): xlogy's forward is
    safe at p = 0 but its gradient with respect to the second argument is 0/0 = NaN there.
    """
    return (log_p.exp() * (log_p - log_prior[:, None])).sum(dim=0)


@dataclass
class PonderLoss:
    total: torch.Tensor
    reconstruction: torch.Tensor
    kl: torch.Tensor


def ponder_loss(logits: torch.Tensor, halt_logits: torch.Tensor, y: torch.Tensor, log_prior: torch.Tensor,
                beta: float) -> PonderLoss:
    """sum_n p_n * L_n + beta * KL(p || p_G), averaged over the batch.

    logits [N, B, C], halt_logits [N, B], y [B], log_prior [N].
    """
    n_steps, batch = halt_logits.shape
    log_p = halting_log_probs(halt_logits)  # [N, B]
    step_losses = F.cross_entropy(logits.flatten(0, 1), y.repeat(n_steps), reduction="none")
    reconstruction = (log_p.exp() * step_losses.view(n_steps, batch)).sum(0).mean()
    kl = kl_to_prior(log_p, log_prior).mean()
    return PonderLoss(reconstruction + beta * kl, reconstruction, kl)


# -- the wrapper ----------------------------------------------------------------------------------------
@dataclass
class PonderResult:
    logits: torch.Tensor  # [B, C] the answer at each example's halting step
    steps: torch.Tensor  # [B] steps each example ran (1..max_steps)


class PonderNet(nn.Module):
    """Wrap a step module: unroll all steps for training, halt per example for inference."""

    def __init__(self, step: nn.Module, max_steps: int):
        super().__init__()
        self.step, self.max_steps = step, max_steps

    def forward(self, x: torch.Tensor, n_steps: int | None = None):
        """Unroll every example for `n_steps` (default max_steps): logits [N, B, C], halt logits [N, B]."""
        state, all_logits, all_halts = None, [], []
        for _ in range(n_steps or self.max_steps):
            state, logits, halt = self.step(x, state)
            all_logits.append(logits)
            all_halts.append(halt)
        return torch.stack(all_logits), torch.stack(all_halts)

    @torch.no_grad()
    def infer(self, x: torch.Tensor, rule: str = "median", generator: torch.Generator | None = None,
              max_steps: int | None = None) -> PonderResult:
        """Halt each example on its own and only step the examples still running.

        rule "median": halt at the first step where P(halted by n) >= 1/2 (deterministic);
        rule "sample": halt at step n with probability lambda_n, drawn from `generator`.
        """
        limit = max_steps or self.max_steps
        batch = x.shape[0]
        active = torch.arange(batch)  # examples still pondering
        not_halted = torch.ones(batch)  # P(not halted yet) per example, for the median rule
        out, steps = None, torch.full((batch,), limit, dtype=torch.long)
        state = None
        for n in range(1, limit + 1):
            state, logits, halt_logit = self.step(x[active], state)
            if out is None:
                out = logits.new_zeros(batch, logits.shape[-1])
            lam = torch.sigmoid(halt_logit)
            if rule == "median":
                not_halted[active] = not_halted[active] * (1 - lam)
                stop = not_halted[active] <= 0.5
            elif rule == "sample":
                stop = torch.rand(lam.shape, generator=generator) < lam
            else:
                raise ValueError(f"unknown halting rule {rule!r}")
            if n == limit:
                stop = torch.ones_like(stop)
            out[active[stop]] = logits[stop]
            steps[active[stop]] = n
            keep = ~stop
            if not keep.any():
                break
            active, state = active[keep], select_examples(state, keep)
        return PonderResult(out, steps)

    @torch.no_grad()
    def run_for(self, x: torch.Tensor, n_steps: torch.Tensor) -> PonderResult:
        """Run example i for exactly n_steps[i] steps (e.g. as a rollout predictor prescribes)."""
        n_steps = n_steps.clamp(1, self.max_steps)
        batch = x.shape[0]
        active, state, out = torch.arange(batch), None, None
        for n in range(1, int(n_steps.max()) + 1):
            state, logits, _ = self.step(x[active], state)
            if out is None:
                out = logits.new_zeros(batch, logits.shape[-1])
            stop = n_steps[active] == n
            out[active[stop]] = logits[stop]
            keep = ~stop
            if not keep.any():
                break
            active, state = active[keep], select_examples(state, keep)
        return PonderResult(out, n_steps.clone())
