"""Helpers shared by the neural experiment modules: threads, seeding, per-example cost summaries."""

from __future__ import annotations

import torch

from speedprior.nn import FlopMeter, profile, step_costs
from speedprior.train.pondernet import PonderResult


def setup(seed: int, threads: int) -> torch.Generator:
    """Seed torch and cap intra-op threads (tiny models run best on few threads; the machine has 2)."""
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    return torch.Generator().manual_seed(seed)


def step_flops(step: torch.nn.Module, x: torch.Tensor, meter: FlopMeter) -> tuple[int, int]:
    """Per-example FLOPs of the first step (no state yet) and of every later step."""
    with torch.no_grad():
        first = meter.per_example(step, x[:1], None)
        state, _, _ = step(x[:1], None)
        later = meter.per_example(step, x[:1], state)
    return first, later


def ponder_summary(result: PonderResult, y: torch.Tensor, keys: torch.Tensor, flops: tuple[int, int],
                   max_steps: int, extra_flops: int = 0) -> dict:
    """Accuracy, ponder steps (mean and by difficulty) and per-example FLOPs of a per-example-halting run."""
    costs = step_costs(result.steps, *flops, extra_flops=extra_flops)
    flop_profile = profile(costs, keys)
    step_profile = profile(result.steps.float(), keys)
    full = flops[0] + (max_steps - 1) * flops[1]  # every example running all steps
    return {
        "accuracy": float((result.logits.argmax(-1) == y).float().mean()),
        "mean_ponder_steps": step_profile.statistic("mean"),
        "max_ponder_steps": step_profile.statistic("max"),
        "ponder_steps_by_difficulty": {str(k): round(v, 4) for k, v in step_profile.by_cell("mean").items()},
        "mean_flops": flop_profile.statistic("mean"),
        "q90_flops": flop_profile.statistic("q0.9"),
        "max_flops": flop_profile.statistic("max"),
        "flops_saved": 1.0 - flop_profile.statistic("mean") / full,
    }
