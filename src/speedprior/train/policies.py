"""Actor-critic policies whose computation varies per decision: PonderNet steps or early-exit depth.

Both policies expose the same unrolled view of one decision,

    unroll(obs) -> Unroll(logits [K, B, A], values [K, B], halt_logits [K, B])

where row k is what the policy would answer if it stopped after k + 1 steps (PonderNet) or at
exit k (early exit), and `halt_logits` give lambda_k = P(stop at k | not before) as in PonderNet.
The policy's action distribution is the mixture over stopping points, sum_k p_k pi_k(a | s); its
per-decision compute is the FLOPs of the stopping point actually drawn (measured once with
`speedprior.nn.FlopMeter`), and its expected compute, sum_k p_k cost_k, is what a speed prior
penalises. Acting draws the stopping point, then the action from that point's head.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from speedprior.nn import FlopMeter, cost_summary, profile, step_costs
from speedprior.train.early_exit import EarlyExitNet
from speedprior.train.pondernet import GRUStep, halting_log_probs


@dataclass
class Unroll:
    logits: torch.Tensor  # [K, B, A] action logits when stopping at k
    values: torch.Tensor  # [K, B] value estimates when stopping at k
    halt_logits: torch.Tensor  # [K, B]


@dataclass
class Decision:
    """The mixture policy of one batch of decisions."""

    log_halt: torch.Tensor  # [K, B] log P(stop at k)
    log_probs: torch.Tensor  # [B, A] log of the mixture sum_k p_k pi_k
    value: torch.Tensor  # [B] sum_k p_k V_k
    expected_compute: torch.Tensor  # [B] sum_k p_k cost_k / cost_K (1 = always the deepest)


class PonderActorCritic(nn.Module):
    """An encoder, then a PonderNet GRU step that re-reads the encoding; heads give logits, value and halting."""

    def __init__(self, obs_dim: int, n_actions: int, hidden: int = 64, max_steps: int = 6):
        super().__init__()
        self.obs_dim, self.n_actions, self.max_steps = obs_dim, n_actions, max_steps
        self.encoder = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh())
        self.step = GRUStep(hidden, hidden, n_actions + 1)  # logits and value from one head

    def unroll(self, obs: torch.Tensor) -> Unroll:
        x = self.encoder(obs)  # [B, H]
        state, outs, halts = None, [], []
        for _ in range(self.max_steps):
            state, out, halt = self.step(x, state)  # [B, H], [B, A + 1], [B]
            outs.append(out)
            halts.append(halt)
        out = torch.stack(outs)  # [K, B, A + 1]
        return Unroll(out[..., :-1], out[..., -1], torch.stack(halts))

    def costs(self, meter: FlopMeter | None = None) -> np.ndarray:
        """FLOPs of one decision stopping after k + 1 steps, for k = 0..K-1 (encoder included)."""
        meter = meter or FlopMeter()
        x = torch.zeros(1, self.obs_dim)
        with torch.no_grad():
            encoded = self.encoder(x)
            first = meter.per_example(self.step, encoded, None)
            state, _, _ = self.step(encoded, None)
            later = meter.per_example(self.step, encoded, state)
        steps = torch.arange(1, self.max_steps + 1)
        return step_costs(steps, first, later, extra_flops=meter.per_example(self.encoder, x))


class ExitHead(nn.Module):
    """Action logits, a value and an exit logit from one block's features."""

    def __init__(self, hidden: int, n_actions: int):
        super().__init__()
        self.fc = nn.Linear(hidden, n_actions + 2)

    def forward(self, h):  # [B, H] -> [B, A + 2]
        return self.fc(h)


class ResidualBlock(nn.Module):
    def __init__(self, hidden: int):
        super().__init__()
        self.fc = nn.Linear(hidden, hidden)

    def forward(self, h):  # [B, H] -> [B, H]
        return h + torch.tanh(self.fc(h))


class EarlyExitActorCritic(nn.Module):
    """An MLP with an exit head after every block, built on `speedprior.train.early_exit.EarlyExitNet`."""

    def __init__(self, obs_dim: int, n_actions: int, hidden: int = 64, depth: int = 4):
        super().__init__()
        self.obs_dim, self.n_actions, self.max_steps = obs_dim, n_actions, depth
        blocks = [nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh())] + [ResidualBlock(hidden)
                                                                            for _ in range(depth - 1)]
        self.net = EarlyExitNet(blocks, [ExitHead(hidden, n_actions) for _ in range(depth)])

    def unroll(self, obs: torch.Tensor) -> Unroll:
        out = torch.stack(self.net(obs))  # [K, B, A + 2]
        return Unroll(out[..., :-2], out[..., -2], out[..., -1])

    def costs(self, meter: FlopMeter | None = None) -> np.ndarray:
        """FLOPs of one decision leaving at exit k (blocks so far plus the heads consulted)."""
        return self.net.exit_costs(torch.zeros(1, self.obs_dim), meter)


POLICIES = {"pondernet": PonderActorCritic, "early-exit": EarlyExitActorCritic}


def make_policy(kind: str, obs_dim: int, n_actions: int, hidden: int, depth: int) -> nn.Module:
    """A policy by name: "pondernet" (depth = maximum ponder steps) or "early-exit" (depth = blocks)."""
    if kind == "pondernet":
        return PonderActorCritic(obs_dim, n_actions, hidden, max_steps=depth)
    if kind == "early-exit":
        return EarlyExitActorCritic(obs_dim, n_actions, hidden, depth=depth)
    raise ValueError(f"unknown policy {kind!r}; known: {', '.join(POLICIES)}")


def decide(unroll: Unroll, relative_costs: torch.Tensor) -> Decision:
    """The mixture over stopping points; `relative_costs` [K] are the costs divided by the deepest one."""
    log_halt = halting_log_probs(unroll.halt_logits)  # [K, B]
    log_pi = F.log_softmax(unroll.logits, -1)  # [K, B, A]
    log_probs = torch.logsumexp(log_halt[..., None] + log_pi, dim=0)  # [B, A]
    p = log_halt.exp()
    return Decision(log_halt, log_probs, (p * unroll.values).sum(0), (p * relative_costs[:, None]).sum(0))


@torch.no_grad()
def act(policy: nn.Module, obs: torch.Tensor, generator: torch.Generator | None = None, greedy: bool = False):
    """Choose actions: (actions [B], stopping points [B], log-probabilities [B], values [B]).

    Sampling draws the stopping point from the halting distribution, then the action from that
    point's head (together: an action from the mixture). Greedy stops at the median stopping
    point, as PonderNet's inference does, and takes that head's most likely action.
    """
    unroll = policy.unroll(obs)
    log_halt = halting_log_probs(unroll.halt_logits)  # [K, B]
    cols = torch.arange(obs.shape[0])
    if greedy:
        stop = (log_halt.exp().cumsum(0) >= 0.5).float().argmax(0)
        actions = unroll.logits[stop, cols].argmax(-1)
    else:
        stop = torch.multinomial(log_halt.exp().T, 1, generator=generator).squeeze(-1)
        actions = torch.multinomial(F.softmax(unroll.logits[stop, cols], -1), 1, generator=generator).squeeze(-1)
    log_probs = torch.logsumexp(log_halt[..., None] + F.log_softmax(unroll.logits, -1), dim=0)
    value = (log_halt.exp() * unroll.values).sum(0)
    return actions, stop, log_probs[cols, actions], value


def compute_summary(costs: np.ndarray, situations: np.ndarray | None = None) -> dict:
    """Mean, max, quantiles and mean per situation of per-decision compute, via the measure layer."""
    return cost_summary(profile(np.asarray(costs, dtype=np.float64), situations))
