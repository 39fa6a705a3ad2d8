"""Per-example compute: each example pays the FLOPs of the steps or exits it actually used.

The costs go into a `speedprior.measure.CostProfile`, keyed by difficulty (e.g. the number of
nonzero parity elements), so every statistic of the measure layer (mean, max, quantiles, by cell)
applies to neural compute just as it does to Turing-machine steps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from speedprior.measure import CostProfile


def step_costs(steps_used: torch.Tensor, first_step_flops: int, later_step_flops: int | None = None,
               extra_flops: int = 0) -> np.ndarray:
    """FLOPs per example that ran `steps_used` recurrent steps (the first step may cost differently)."""
    later = first_step_flops if later_step_flops is None else later_step_flops
    n = steps_used.detach().cpu().numpy().astype(np.int64)
    return np.where(n > 0, first_step_flops + (n - 1) * later, 0) + extra_flops


def exit_costs(block_flops: Sequence[int], head_flops: Sequence[int], evaluate_all_heads: bool = True) -> np.ndarray:
    """Cumulative FLOPs of leaving at exit i: blocks 0..i plus the heads consulted on the way.

    An early-exit policy evaluates head j after block j to decide whether to leave, so exit i pays
    heads 0..i when `evaluate_all_heads`, else only head i.
    """
    blocks = np.cumsum(np.asarray(block_flops, dtype=np.int64))
    heads = np.asarray(head_flops, dtype=np.int64)
    return blocks + (np.cumsum(heads) if evaluate_all_heads else heads)


def profile(costs, keys=None, halted=None) -> CostProfile:
    """A CostProfile of per-example FLOPs (or steps), partitioned by `keys` (difficulty)."""
    costs = costs.detach().cpu().numpy() if isinstance(costs, torch.Tensor) else np.asarray(costs)
    if isinstance(keys, torch.Tensor):
        keys = keys.detach().cpu().numpy()
    if isinstance(halted, torch.Tensor):
        halted = halted.detach().cpu().numpy()
    return CostProfile(np.asarray(costs, dtype=np.float64), halted=halted, keys=keys)


def cost_summary(prof: CostProfile, statistics=("mean", "max", "q0.5", "q0.9")) -> dict:
    """Overall statistics and the mean by difficulty cell, ready for a JSON summary."""
    out = {s: float(prof.statistic(s)) for s in statistics}
    out["by_difficulty"] = {str(k): float(v) for k, v in prof.by_cell("mean").items()}
    return out
