"""Kind `fixed-rollouts`: Proposal 2A on parity. A small step network whose output is fed back as a
scratchpad is trained at N = 1, 2, ... rollouts (weights kept between stages) until validation
accuracy meets the target; the summary reports the minimal N and the compute spent to find it.
"""

from __future__ import annotations

from typing import Literal

import torch
from pydantic import Field

from speedprior.experiments.base import ExperimentConfig, Positive
from speedprior.nn import FlopMeter
from speedprior.train.common import setup
from speedprior.train.data import parity
from speedprior.train.rollouts import ScratchpadRecurrent, mlp_step, rollout_curriculum

MAX_EXAMPLES = 2_000_000


class Config(ExperimentConfig):
    """Parity data, the step network, the rollout curriculum and its training budget."""

    kind: Literal["fixed-rollouts"] = "fixed-rollouts"
    length: int = Field(8, ge=1, le=64)
    n_train: int = Field(50_000, ge=1, le=MAX_EXAMPLES)
    n_val: int = Field(2000, ge=1, le=MAX_EXAMPLES)
    n_test: int = Field(4000, ge=1, le=MAX_EXAMPLES)
    hidden: int = Field(8, ge=1, le=4096)  # width of the step network: small, so one rollout is not enough
    pad_dim: int = Field(4, ge=0, le=4096)  # scratchpad entries beyond the answer
    max_rollouts: int = Field(10, ge=1, le=1000)
    target_accuracy: float = Field(0.99, gt=0, le=1)
    iterations: Positive = 2000  # per value of N
    batch_size: int = Field(128, ge=1, le=MAX_EXAMPLES)
    lr: float = Field(3e-3, gt=0)
    eval_every: Positive = 100
    threads: int = Field(1, ge=1, le=256)


def run(cfg: Config, ctx) -> dict:
    gen = setup(cfg.seed, cfg.threads)
    train = parity(cfg.n_train, cfg.length, 1, cfg.length, gen)
    val = parity(cfg.n_val, cfg.length, 1, cfg.length, gen)
    test = parity(cfg.n_test, cfg.length, 1, cfg.length, gen)
    model = ScratchpadRecurrent(mlp_step(cfg.length, 2, cfg.pad_dim, cfg.hidden), 2, cfg.pad_dim)
    result = rollout_curriculum(model, train, val, range(1, cfg.max_rollouts + 1), iterations=cfg.iterations,
                                batch_size=cfg.batch_size, lr=cfg.lr, target=cfg.target_accuracy,
                                eval_every=cfg.eval_every, generator=gen,
                                on_eval=lambda n, it, loss, acc: ctx.log(curve=f"rollouts{n}", iteration=it, loss=loss,
                                                                         val_accuracy=acc))
    for stage in result.stages:
        ctx.log(n_rollouts=stage.n_rollouts, accuracy=stage.run.accuracy, iterations=stage.run.iterations,
                train_flops=stage.run.flops)
    n_final = result.stages[-1].n_rollouts
    model.eval()
    with torch.no_grad():
        test_acc = float((model(test.x, n_final).argmax(-1) == test.y).float().mean())
        step_input = torch.cat([test.x, test.x.new_zeros(len(test), 2 + cfg.pad_dim)], -1)  # [x, scratchpad]
        step_flops = FlopMeter().per_example(model.step, step_input)
    stages = [{"n_rollouts": s.n_rollouts, "val_accuracy": s.run.accuracy, "iterations": s.run.iterations,
               "train_flops": s.run.flops} for s in result.stages]
    lines = ["| N | val accuracy | iterations | training FLOPs |", "|---|---|---|---|"]
    lines += [f"| {s['n_rollouts']} | {s['val_accuracy']:.4f} | {s['iterations']} | {s['train_flops']:.3g} |"
              for s in stages]
    ctx.section("Rollout curriculum", f"Minimal rollouts: {result.minimal_rollouts}; test accuracy at N = "
                f"{n_final}: {test_acc:.4f}; training compute {result.compute:.3g} FLOPs.\n\n" + "\n".join(lines))
    return {"minimal_rollouts": result.minimal_rollouts, "accuracy": test_acc, "compute_to_target": result.compute,
            "mean_flops": n_final * step_flops, "flops_per_rollout": step_flops, "stages": stages}
