"""Kinds `pondernet` and `parity-extrapolation`: PonderNet (2B) on parity, with an ACT baseline and an
offline rollout predictor. Interpolation tests on the training range of nonzero elements;
extrapolation trains on few nonzero elements and tests on more.
"""

from __future__ import annotations

import time
from typing import Literal

import torch
from pydantic import Field, model_validator
from torch import nn

from speedprior.experiments.base import ExperimentConfig, Positive
from speedprior.nn import FlopMeter
from speedprior.train.act import ACT
from speedprior.train.common import ponder_summary, setup, step_flops
from speedprior.train.data import parity, parity_splits
from speedprior.train.pondernet import GRUStep, PonderNet, geometric_log_prior, ponder_loss
from speedprior.train.rollout_predictor import train_predictor

# "none": the GRU reads the raw vector; "set": a sum of per-entry features (see SetEncoder, make_step)
ENCODERS = ("none", "set")
# PonderNet.infer's rules: "median" halts where the halting CDF passes 1/2; "sample" draws (seeded)
HALTING_RULES = ("median", "sample")
MAX_LENGTH = 64
MAX_EXAMPLES = 2_000_000  # per split: parity inputs are length floats each, held in memory


class Config(ExperimentConfig):
    """Task, model, PonderNet loss, optimisation, ACT baseline and rollout predictor."""

    kind: Literal["pondernet", "parity-extrapolation"] = "pondernet"
    # task
    length: int = Field(8, ge=1, le=MAX_LENGTH)
    train_nonzero: tuple[Positive, Positive] = (1, 8)  # inclusive range of nonzero entries in training inputs
    test_nonzero: tuple[Positive, Positive] = (1, 8)  # same range: interpolation; above it: extrapolation
    n_train: int = Field(200_000, ge=1, le=MAX_EXAMPLES)
    n_val: int = Field(2000, ge=1, le=MAX_EXAMPLES)
    n_test: int = Field(8000, ge=1, le=MAX_EXAMPLES)
    # model and PonderNet loss
    hidden: int = Field(32, ge=1, le=4096)
    encoder: Literal[ENCODERS] = "none"
    max_steps: int = Field(20, ge=1, le=1000)
    lambda_p: float = Field(0.5, gt=0, lt=1)  # geometric prior's halting probability per step
    beta: float = Field(0.1, ge=0)  # weight of KL(p || p_G)
    halting_rule: Literal[HALTING_RULES] = "median"
    # optimisation
    iterations: Positive = 6000
    batch_size: int = Field(128, ge=1, le=MAX_EXAMPLES)
    lr: float = Field(3e-3, gt=0)
    eval_every: Positive = 250
    target_accuracy: float = Field(0.995, gt=0, le=1)  # stop early once validation accuracy reaches it
    # ACT baseline (Graves): ponder cost weight tau, negative initial halting bias
    act: bool = False
    act_tau: float = Field(0.01, ge=0)
    act_halt_bias: float = -1.0
    act_iterations: int = Field(6000, ge=0)
    # offline rollout predictor on the frozen model
    predictor_iterations: int = Field(2000, ge=0)
    predictor_hidden: int = Field(64, ge=1, le=4096)
    predictor_examples: int = Field(20_000, ge=1, le=MAX_EXAMPLES)  # training inputs labelled by the frozen model
    predictor_quantile: float = Field(0.9, gt=0, lt=1)  # act on this quantile of the predicted rollouts
    threads: int = Field(1, ge=1, le=256)

    @model_validator(mode="after")
    def _ranges(self):
        for name in ("train_nonzero", "test_nonzero"):
            lo, hi = getattr(self, name)
            if not 1 <= lo <= hi <= self.length:
                raise ValueError(f"{name} must satisfy 1 <= lo <= hi <= length = {self.length}, got {(lo, hi)}")
        return self


class SetEncoder(nn.Module):
    """sum_i phi(x_i) over the entries of the vector: parity of the +1s ignores positions, and a sum of
    per-entry features lets a count learned on few nonzero entries apply to more. phi has no biases,
    so phi(0) = 0 and empty (zero) entries contribute nothing, however many there are."""

    def __init__(self, dim: int):
        super().__init__()
        self.phi = nn.Sequential(nn.Linear(1, dim, bias=False), nn.ReLU(), nn.Linear(dim, dim, bias=False))

    def forward(self, x):  # [B, L] -> [B, dim]
        return self.phi(x[..., None]).sum(-2)


def make_step(cfg: Config) -> nn.Module:
    """The recurrent step for `cfg.encoder` (one of ENCODERS)."""
    if cfg.encoder == "set":
        return EncodedStep(SetEncoder(cfg.hidden), GRUStep(cfg.hidden, cfg.hidden, 2))
    return GRUStep(cfg.length, cfg.hidden, 2)


class EncodedStep(nn.Module):
    """A step that encodes its input first; exposes the inner step's halting head for ACT's bias init."""

    def __init__(self, encoder: nn.Module, step: GRUStep):
        super().__init__()
        self.encoder, self.inner, self.halt = encoder, step, step.halt

    def forward(self, x, state):
        return self.inner(self.encoder(x), state)


def _train_pondernet(cfg: Config, model: PonderNet, train, val, gen, ctx) -> int:
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    prior = geometric_log_prior(cfg.lambda_p, cfg.max_steps)
    done = 0
    for it in ctx.track(range(1, cfg.iterations + 1), total=cfg.iterations, description="PonderNet"):
        x, y = train.batch(cfg.batch_size, gen)
        logits, halts = model(x)
        loss = ponder_loss(logits, halts, y, prior, cfg.beta)
        opt.zero_grad(set_to_none=True)
        loss.total.backward()
        opt.step()
        done = it
        if it % cfg.eval_every == 0:
            result = model.infer(val.x)
            acc = float((result.logits.argmax(-1) == val.y).float().mean())
            ctx.log(model="pondernet", iteration=it, loss=loss.total.item(), kl=loss.kl.item(), val_accuracy=acc,
                    val_mean_steps=result.steps.float().mean().item())
            if acc >= cfg.target_accuracy:
                break
    return done


def _train_act(cfg: Config, model: ACT, train, gen, ctx) -> None:
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for it in ctx.track(range(1, cfg.act_iterations + 1), total=cfg.act_iterations, description="ACT"):
        x, y = train.batch(cfg.batch_size, gen)
        loss, ponder = model.loss(x, y, cfg.act_tau)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if it % cfg.eval_every == 0:
            ctx.log(model="act", iteration=it, loss=loss.item(), mean_ponder=ponder.mean().item())


def run(cfg: Config, ctx) -> dict:
    gen = setup(cfg.seed, cfg.threads)
    train, test = parity_splits(cfg.length, cfg.train_nonzero, cfg.test_nonzero, cfg.n_train, cfg.n_test, cfg.seed)
    val = parity(cfg.n_val, cfg.length, *cfg.train_nonzero, generator=gen)
    meter = FlopMeter()

    start = time.perf_counter()
    model = PonderNet(make_step(cfg), cfg.max_steps)
    iterations = _train_pondernet(cfg, model, train, val, gen, ctx)
    train_seconds = time.perf_counter() - start
    model.eval()
    flops = step_flops(model.step, test.x, meter)
    sample_gen = torch.Generator().manual_seed(cfg.seed + 1)
    result = model.infer(test.x, rule=cfg.halting_rule, generator=sample_gen)
    summary = ponder_summary(result, test.y, test.keys, flops, cfg.max_steps)
    summary.update(iterations=iterations, train_seconds=round(train_seconds, 3),
                   val_accuracy=float((model.infer(val.x).logits.argmax(-1) == val.y).float().mean()))

    if cfg.predictor_iterations:
        n = cfg.predictor_examples
        predictor, fit = train_predictor(model, train.x[:n], train.y[:n], cfg.predictor_iterations,
                                         cfg.batch_size, cfg.lr, cfg.predictor_hidden, gen)
        n_pred = predictor.predict(test.x, cfg.predictor_quantile)
        pred_flops = meter.per_example(predictor, test.x)
        pred = ponder_summary(model.run_for(test.x, n_pred), test.y, test.keys, flops, cfg.max_steps, pred_flops)
        summary["predictor"] = {"fit_accuracy": fit, **{k: pred[k] for k in (
            "accuracy", "mean_ponder_steps", "ponder_steps_by_difficulty", "mean_flops", "flops_saved")}}

    if cfg.act:
        torch.manual_seed(cfg.seed)
        act = ACT(make_step(cfg), cfg.max_steps, halt_bias=cfg.act_halt_bias)
        _train_act(cfg, act, train, gen, ctx)
        act.eval()
        act_sum = ponder_summary(act.infer(test.x), test.y, test.keys, step_flops(act.step, test.x, meter),
                                 cfg.max_steps)
        summary.update(act_accuracy=act_sum["accuracy"], act_mean_ponder_steps=act_sum["mean_ponder_steps"],
                       act_ponder_steps_by_difficulty=act_sum["ponder_steps_by_difficulty"],
                       act_mean_flops=act_sum["mean_flops"])

    _report(cfg, summary, ctx)
    return summary


def _report(cfg: Config, s: dict, ctx) -> None:
    from speedprior import plotting

    fig, ax = plotting.subplots(figsize=(5, 3.2))
    cells = list(s["ponder_steps_by_difficulty"])
    ax.plot([int(k) for k in cells], list(s["ponder_steps_by_difficulty"].values()), "o-", label="PonderNet")
    if "act_ponder_steps_by_difficulty" in s:
        act = s["act_ponder_steps_by_difficulty"]
        ax.plot([int(k) for k in act], list(act.values()), "s--", label="ACT")
    if "predictor" in s:
        pr = s["predictor"]["ponder_steps_by_difficulty"]
        ax.plot([int(k) for k in pr], list(pr.values()), "^:", label="rollout predictor")
    ax.axvspan(cfg.train_nonzero[0] - 0.5, cfg.train_nonzero[1] + 0.5, alpha=0.1, label="training range")
    ax.set_xlabel("nonzero elements")
    ax.set_ylabel("mean ponder steps")
    ax.legend()
    ctx.save_figure(fig, "ponder_steps")
    lines = [f"- PonderNet test accuracy {s['accuracy']:.4f}, mean ponder steps {s['mean_ponder_steps']:.2f}, "
             f"mean FLOPs/example {s['mean_flops']:.0f} ({100 * s['flops_saved']:.1f}% below always "
             f"running {cfg.max_steps} steps), trained {s['iterations']} iterations in {s['train_seconds']:.1f} s"]
    if "act_accuracy" in s:
        lines.append(f"- ACT test accuracy {s['act_accuracy']:.4f}, mean ponder steps {s['act_mean_ponder_steps']:.2f}")
    if "predictor" in s:
        p = s["predictor"]
        lines.append(f"- Rollout predictor (trained offline on the frozen model): fit accuracy "
                     f"{p['fit_accuracy']:.3f}; acting on it gives accuracy {p['accuracy']:.4f} at "
                     f"{p['mean_ponder_steps']:.2f} mean steps")
    ctx.section("Results", "\n".join(lines))
