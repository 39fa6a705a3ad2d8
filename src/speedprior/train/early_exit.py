"""Early exits (Proposal 3; Shallow-Deep Networks, Kaya et al. 2019): a head after each block.

`EarlyExitNet(blocks, heads)` takes any list of blocks and matching heads. Training loss:

    sum_i w_i * CE_i  +  mu * E[exit cost] / cost of the last exit

where the exit distribution comes from the heads' confidences: exit i is taken with probability
q_i = c_i * prod_{j<i} (1 - c_j) (c = max softmax probability; the last exit takes the remainder).
The penalty rewards early heads for being confident; `mu` is lowered by a schedule until the
target accuracy is met. At inference a confidence or entropy threshold, chosen on held-out data,
decides per example where to leave, and later blocks run only on the examples still inside.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from speedprior.nn import FlopMeter, exit_costs


class EarlyExitNet(nn.Module):
    def __init__(self, blocks: list[nn.Module], heads: list[nn.Module]):
        super().__init__()
        if len(blocks) != len(heads):
            raise ValueError("need one head per block")
        self.blocks, self.heads = nn.ModuleList(blocks), nn.ModuleList(heads)

    def forward(self, x) -> list[torch.Tensor]:
        """Logits of every exit: a list of [B, C], one per block."""
        outs = []
        for block, head in zip(self.blocks, self.heads, strict=True):
            x = block(x)
            outs.append(head(x))
        return outs

    def exit_costs(self, x: torch.Tensor, meter: FlopMeter | None = None) -> np.ndarray:
        """Per-example FLOPs of leaving at each exit (blocks so far plus the heads consulted)."""
        meter = meter or FlopMeter()
        block_flops, head_flops = [], []
        with torch.no_grad():
            h = x[:1]
            for block, head in zip(self.blocks, self.heads, strict=True):
                block_flops.append(meter.per_example(block, h))
                h = block(h)
                head_flops.append(meter.per_example(head, h))
        return exit_costs(block_flops, head_flops)

    @torch.no_grad()
    def infer(self, x: torch.Tensor, policy: ExitPolicy) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-example early exit: (logits [B, C], exit index [B]); blocks run only on remaining rows."""
        batch = x.shape[0]
        active, out = torch.arange(batch), None
        exits = torch.full((batch,), len(self.blocks) - 1, dtype=torch.long)
        for i, (block, head) in enumerate(zip(self.blocks, self.heads, strict=True)):
            x = block(x)
            logits = head(x)
            if out is None:
                out = logits.new_zeros(batch, logits.shape[-1])
            stop = policy.exits(logits) if i < len(self.blocks) - 1 else torch.ones(len(active), dtype=torch.bool)
            out[active[stop]] = logits[stop]
            exits[active[stop]] = i
            keep = ~stop
            if not keep.any():
                break
            active, x = active[keep], x[keep]
        return out, exits


# -- training loss ----------------------------------------------------------------------------------
def exit_distribution(logits: list[torch.Tensor]) -> torch.Tensor:
    """q [K, B]: probability of leaving at each exit when exit i is taken with its confidence c_i."""
    conf = torch.stack([F.softmax(z, -1).amax(-1) for z in logits])  # [K, B]
    survive = torch.cumprod(torch.cat([torch.ones_like(conf[:1]), 1 - conf[:-1]]), dim=0)  # P(reach exit i)
    q = conf * survive
    return torch.cat([q[:-1], survive[-1:]])  # the last exit takes everything still inside


def early_exit_loss(logits: list[torch.Tensor], y: torch.Tensor, weights, costs, penalty: float):
    """sum_i w_i CE_i + penalty * E_q[cost] / cost of the final exit. Returns (loss, expected cost)."""
    ce = torch.stack([F.cross_entropy(z, y) for z in logits])  # [K]
    w = torch.as_tensor(weights, dtype=ce.dtype)
    rel = torch.as_tensor(np.asarray(costs, dtype=np.float64) / float(costs[-1]), dtype=ce.dtype)  # [K]
    expected = (exit_distribution(logits) * rel[:, None]).sum(0).mean()
    return (w * ce).sum() + penalty * expected, expected


def expected_accuracy(logits: list[torch.Tensor], y: torch.Tensor) -> float:
    """Accuracy of the learned exit distribution: sum_i q_i * [exit i is right], averaged."""
    q = exit_distribution(logits)
    right = torch.stack([(z.argmax(-1) == y).float() for z in logits])
    return float((q * right).sum(0).mean())


# -- exit policies ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExitPolicy:
    """Leave when max softmax >= threshold ("confidence") or entropy <= threshold ("entropy")."""

    kind: str
    threshold: float

    def score(self, logits: torch.Tensor) -> torch.Tensor:
        log_p = F.log_softmax(logits, -1)
        if self.kind == "confidence":
            return log_p.exp().amax(-1)
        if self.kind == "entropy":
            return -(log_p.exp() * log_p).sum(-1)  # log_p is finite, so 0 * log_p is 0, never NaN
        raise ValueError(f"unknown exit policy {self.kind!r}")

    def exits(self, logits: torch.Tensor) -> torch.Tensor:
        s = self.score(logits)
        return s >= self.threshold if self.kind == "confidence" else s <= self.threshold


def simulate(all_logits: list[torch.Tensor], y: torch.Tensor, costs: np.ndarray, policy: ExitPolicy):
    """Accuracy, mean cost and exit indices of `policy` from precomputed logits of every exit."""
    k = len(all_logits)
    stops = torch.stack([policy.exits(z) for z in all_logits[:-1]] + [torch.ones_like(y, dtype=torch.bool)])
    exit_idx = stops.float().argmax(0)  # first exit where the policy leaves
    preds = torch.stack([z.argmax(-1) for z in all_logits])[exit_idx, torch.arange(len(y))]
    acc = float((preds == y).float().mean())
    mean_cost = float(np.asarray(costs)[exit_idx.numpy()].mean())
    assert exit_idx.max() < k
    return acc, mean_cost, exit_idx


def candidate_thresholds(all_logits: list[torch.Tensor], kind: str, n: int = 200) -> list[float]:
    """Thresholds spanning the observed scores of the early heads (quantiles, plus 'never exit')."""
    scores = torch.cat([ExitPolicy(kind, 0.0).score(z) for z in all_logits[:-1]])
    qs = torch.quantile(scores.double(), torch.linspace(0, 1, n, dtype=torch.float64)).tolist()
    never = float("inf") if kind == "confidence" else -1.0
    return sorted(set(qs)) + [never]


def select_threshold(all_logits, y, costs, kind: str, max_drop: float) -> tuple[ExitPolicy, float, float]:
    """The cheapest policy of this kind whose held-out accuracy is within `max_drop` of the final exit.

    Returns (policy, accuracy, mean cost) on the held-out data the choice was made on.
    """
    final_acc = float((all_logits[-1].argmax(-1) == y).float().mean())
    best = None
    for t in candidate_thresholds(all_logits, kind):
        policy = ExitPolicy(kind, t)
        acc, cost, _ = simulate(all_logits, y, costs, policy)
        if acc >= final_acc - max_drop and (best is None or cost < best[2]):
            best = (policy, acc, cost)
    return best


def pareto_curve(all_logits, y, costs, kind: str) -> list[tuple[float, float, float]]:
    """Non-dominated (mean FLOPs, accuracy, threshold) points over the threshold sweep, by cost."""
    points = []
    for t in candidate_thresholds(all_logits, kind):
        acc, cost, _ = simulate(all_logits, y, costs, ExitPolicy(kind, t))
        points.append((cost, acc, t))
    points.sort(key=lambda p: (p[0], -p[1]))
    front, best_acc = [], -1.0
    for cost, acc, t in points:
        if acc > best_acc:
            front.append((cost, acc, t))
            best_acc = acc
    return front
