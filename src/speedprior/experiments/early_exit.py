"""Kind `early-exit`: a 1-D CNN with a head after every block on mnist1d or digits (Proposal 3).

Training lowers the exit-depth penalty mu by `penalty_decay` after each phase until the learned exit
distribution's expected accuracy on validation meets `target_accuracy`. Then a confidence and an
entropy threshold are chosen on the validation split (cheapest within `max_drop` of the final
exit's accuracy) and applied per example on the test split; the accuracy-vs-FLOPs Pareto curve is
plotted from the same sweep.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
import torch
from pydantic import Field, model_validator
from torch import nn

from speedprior.experiments.base import ExperimentConfig
from speedprior.nn import FlopMeter, profile
from speedprior.train.common import setup
from speedprior.train.data import digits, mnist1d, split
from speedprior.train.early_exit import (
    EarlyExitNet,
    early_exit_loss,
    expected_accuracy,
    pareto_curve,
    select_threshold,
    simulate,
)

# the datasets: (train, test) splits; mnist1d is generated offline, digits is scikit-learn's bundled set
DATASETS = {
    "mnist1d": lambda cfg: mnist1d(cfg.num_samples, seed=cfg.seed + 42),
    "digits": lambda cfg: digits(seed=cfg.seed),
}
# train.early_exit.ExitPolicy's kinds: exit once the softmax confidence is high or its entropy low
POLICIES = ("confidence", "entropy")


class Config(ExperimentConfig):
    """Data, network, exit-penalty schedule, optimisation and the exit policies to fit."""

    kind: Literal["early-exit"] = "early-exit"
    dataset: Literal[tuple(DATASETS)] = "mnist1d"
    num_samples: int = Field(10_000, ge=100, le=1_000_000)  # mnist1d examples generated (80% train, 20% test)
    val_fraction: float = Field(0.2, gt=0, lt=1)  # of the training split, held out for thresholds
    channels: int = Field(32, ge=1, le=1024)
    blocks: int = Field(6, ge=1, le=64)
    exit_weights: list[Annotated[float, Field(ge=0)]] | None = None  # w_i; default all 1
    # penalty schedule on expected exit cost
    penalty: float = Field(0.5, ge=0)
    penalty_decay: float = Field(0.5, gt=0, le=1)
    phases: int = Field(6, ge=1, le=1000)
    epochs_per_phase: int = Field(8, ge=1, le=10_000)
    target_accuracy: float = Field(0.9, gt=0, le=1)
    batch_size: int = Field(64, ge=1, le=1_000_000)
    lr: float = Field(2e-3, gt=0)
    max_drop: float = Field(0.0, ge=0, le=1)  # allowed validation accuracy drop vs the final exit (thresholds)
    policies: list[Literal[POLICIES]] = Field(["confidence", "entropy"], min_length=1)
    threads: int = Field(2, ge=1, le=256)

    @model_validator(mode="after")
    def _one_weight_per_exit(self):
        if self.exit_weights is not None and len(self.exit_weights) != self.blocks:
            raise ValueError(f"exit_weights needs one entry per block ({self.blocks}), got {len(self.exit_weights)}")
        return self


class ConvBlock(nn.Module):
    """Residual 1-D conv block: x + conv(gelu(conv(x))). Length stays fixed so every block costs the same."""

    def __init__(self, channels: int, dilation: int):
        super().__init__()
        self.conv1 = nn.Conv1d(channels, channels, 3, padding=dilation, dilation=dilation)
        self.conv2 = nn.Conv1d(channels, channels, 3, padding=dilation, dilation=dilation)
        self.act = nn.GELU()

    def forward(self, x):  # [B, C, L] -> [B, C, L]
        return x + self.conv2(self.act(self.conv1(self.act(x))))


class Stem(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv1d(1, channels, 5, padding=2)

    def forward(self, x):  # [B, L] -> [B, C, L]
        return self.conv(x[:, None, :])


class Head(nn.Module):
    """Global average and max pooling, then a linear classifier: cheap next to a block."""

    def __init__(self, channels: int, n_classes: int):
        super().__init__()
        self.fc = nn.Linear(2 * channels, n_classes)

    def forward(self, x):  # [B, C, L] -> [B, n_classes]
        return self.fc(torch.cat([x.mean(-1), x.amax(-1)], dim=-1))


def build(cfg: Config, n_classes: int) -> EarlyExitNet:
    blocks = [nn.Sequential(Stem(cfg.channels), ConvBlock(cfg.channels, 1))]
    blocks += [ConvBlock(cfg.channels, 2 ** (i % 3)) for i in range(1, cfg.blocks)]
    return EarlyExitNet(blocks, [Head(cfg.channels, n_classes) for _ in range(cfg.blocks)])


def run(cfg: Config, ctx) -> dict:
    gen = setup(cfg.seed, cfg.threads)
    train_all, test = DATASETS[cfg.dataset](cfg)
    train, val = split(train_all, cfg.val_fraction, cfg.seed)
    n_classes = int(train_all.y.max()) + 1
    model = build(cfg, n_classes)
    costs = model.exit_costs(train.x, FlopMeter())  # [K] FLOPs of leaving at each exit
    weights = cfg.exit_weights or [1.0] * cfg.blocks
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    mu, schedule = cfg.penalty, []
    steps_per_phase = cfg.epochs_per_phase * -(-len(train) // cfg.batch_size)
    for phase in ctx.track(range(cfg.phases), total=cfg.phases, description="early-exit phases"):
        # cosine-anneal the learning rate within each phase so every phase ends on settled weights,
        # rather than on whatever the last noisy minibatch left (which made late exits look worse)
        for group in opt.param_groups:
            group["lr"] = cfg.lr
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps_per_phase)
        loss_sum = torch.zeros(())  # the phase's mean training loss goes to the curve
        for _ in range(cfg.epochs_per_phase):
            perm = torch.randperm(len(train), generator=gen)
            for start in range(0, len(train), cfg.batch_size):
                idx = perm[start:start + cfg.batch_size]
                loss, _ = early_exit_loss(model(train.x[idx]), train.y[idx], weights, costs, mu)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                sched.step()
                loss_sum += loss.detach()
        with torch.no_grad():
            model.eval()
            val_logits = model(val.x)
            model.train()
        exp_acc = expected_accuracy(val_logits, val.y)
        final_acc = float((val_logits[-1].argmax(-1) == val.y).float().mean())
        schedule.append({"phase": phase, "penalty": mu, "expected_accuracy": exp_acc, "final_exit_accuracy": final_acc})
        ctx.log(**schedule[-1], train_loss=float(loss_sum) / steps_per_phase)
        if exp_acc >= cfg.target_accuracy:
            break
        mu *= cfg.penalty_decay

    model.eval()
    with torch.no_grad():
        val_logits, test_logits = model(val.x), model(test.x)
    final_test = float((test_logits[-1].argmax(-1) == test.y).float().mean())
    summary = {"final_exit_accuracy": final_test, "final_flops": float(costs[-1]), "penalty": mu,
               "target_met": schedule[-1]["expected_accuracy"] >= cfg.target_accuracy, "schedule": schedule,
               "exit_accuracies": [float((z.argmax(-1) == test.y).float().mean()) for z in test_logits],
               "exit_flops": costs.tolist(), "policies": {}}
    for kind in cfg.policies:
        policy, val_acc, val_cost = select_threshold(val_logits, val.y, costs, kind, cfg.max_drop)
        logits, exits = model.infer(test.x, policy)  # real per-example early exit
        prof = profile(costs[exits.numpy()], test.keys)
        summary["policies"][kind] = {
            "threshold": policy.threshold, "val_accuracy": val_acc, "val_mean_flops": val_cost,
            "accuracy": float((logits.argmax(-1) == test.y).float().mean()),
            "mean_flops": prof.statistic("mean"), "q90_flops": prof.statistic("q0.9"),
            "flops_saved": 1.0 - prof.statistic("mean") / float(costs[-1]),
            "exit_histogram": np.bincount(exits.numpy(), minlength=cfg.blocks).tolist(),
            "mean_flops_by_class": {str(k): v for k, v in prof.by_cell("mean").items()},
            "pareto": pareto_curve(test_logits, test.y, costs, kind),
        }
        sim_acc, _, _ = simulate(test_logits, test.y, costs, policy)
        assert abs(sim_acc - summary["policies"][kind]["accuracy"]) < 1e-9  # batch-simulated == per-example run
    # the headline policy is the one cheapest on validation: choosing by test numbers would be peeking
    best = min(summary["policies"].values(), key=lambda p: p["val_mean_flops"])
    name = next(k for k, p in summary["policies"].items() if p is best)
    summary.update(policy=name, accuracy=best["accuracy"], mean_flops=best["mean_flops"],
                   flops_saved=best["flops_saved"], accuracy_loss=final_test - best["accuracy"])
    _report(summary, ctx)
    return summary


def _report(s: dict, ctx) -> None:
    from speedprior import plotting

    fig, ax = plotting.subplots(figsize=(5, 3.4))
    for kind, p in s["policies"].items():
        cost, acc, _ = zip(*p["pareto"], strict=True)
        ax.plot(np.array(cost) / s["final_flops"], acc, "-", label=f"{kind} threshold (test)")
        ax.plot(p["mean_flops"] / s["final_flops"], p["accuracy"], "o", label=f"{kind}: chosen on validation")
    ax.plot(np.array(s["exit_flops"]) / s["final_flops"], s["exit_accuracies"], "k^", label="fixed exit i")
    ax.set_xlabel("mean FLOPs / FLOPs of the final exit")
    ax.set_ylabel("test accuracy")
    ax.legend(fontsize=7)
    ctx.save_figure(fig, "pareto")
    rows = ["| policy | threshold | accuracy | FLOPs saved | exits per block |", "|---|---|---|---|---|"]
    for kind, p in s["policies"].items():
        rows.append(f"| {kind} | {p['threshold']:.4g} | {p['accuracy']:.4f} | {100 * p['flops_saved']:.1f}% | "
                    f"{p['exit_histogram']} |")
    ctx.section("Results", f"Final exit accuracy {s['final_exit_accuracy']:.4f} (penalty ended at "
                 f"{s['penalty']:.4g}).\n\n" + "\n".join(rows))
