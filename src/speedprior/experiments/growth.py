"""Kind `growth`: Proposal 1 on parity or digits. MLPs of increasing size (widths x depths, ordered by
per-example FLOPs) are trained from scratch until one reaches the target accuracy; the summary
reports the size selected and the training compute spent to find it.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

import torch
from pydantic import Field

from speedprior.experiments.base import ExperimentConfig, Positive
from speedprior.train.common import setup
from speedprior.train.data import digits, parity, split
from speedprior.train.growth import grow, mlp
from speedprior.train.loop import accuracy, train_to_target


def _parity(cfg, gen: torch.Generator):
    return tuple(parity(n, cfg.length, 1, cfg.length, gen) for n in (cfg.n_train, cfg.n_val, cfg.n_test))


def _digits(cfg, gen: torch.Generator):
    train, test = digits(seed=cfg.seed)
    return (*split(train, 0.2, cfg.seed), test)


# the datasets: train, validation (the target is checked on it) and test splits
DATASETS = {"parity": _parity, "digits": _digits}
MAX_EXAMPLES = 2_000_000


class Config(ExperimentConfig):
    """Data, the grid of MLP sizes (widths x depths), the target and the per-size training budget."""

    kind: Literal["growth"] = "growth"
    dataset: Literal[tuple(DATASETS)] = "parity"
    length: int = Field(8, ge=1, le=64)  # parity vector length (all nonzero counts 1..length)
    n_train: int = Field(20_000, ge=1, le=MAX_EXAMPLES)
    n_val: int = Field(2000, ge=1, le=MAX_EXAMPLES)
    n_test: int = Field(4000, ge=1, le=MAX_EXAMPLES)
    widths: list[Annotated[int, Field(ge=1, le=65_536)]] = Field([2, 4, 8, 16, 32, 64], min_length=1)
    depths: list[Annotated[int, Field(ge=1, le=64)]] = Field([1, 2], min_length=1)
    target_accuracy: float = Field(0.99, gt=0, le=1)
    iterations: Positive = 3000  # budget per size
    batch_size: int = Field(128, ge=1, le=MAX_EXAMPLES)
    lr: float = Field(3e-3, gt=0)
    eval_every: Positive = 100
    threads: int = Field(1, ge=1, le=256)


def run(cfg: Config, ctx) -> dict:
    gen = setup(cfg.seed, cfg.threads)
    train, val, test = DATASETS[cfg.dataset](cfg, gen)
    in_dim, n_classes = int(train.x.shape[1]), int(train.y.max()) + 1
    sizes = [(w, d) for d, w in itertools.product(sorted(cfg.depths), sorted(cfg.widths))]

    size_of = {}  # id(model) -> (width, depth): grow builds every size first, then trains them by FLOPs

    def build(size):
        torch.manual_seed(cfg.seed)  # every size starts from the same seed
        model = mlp(in_dim, n_classes, width=size[0], depth=size[1])
        size_of[id(model)] = size
        return model

    def train_one(model):
        width, depth = size_of[id(model)]
        name = f"width{width}-depth{depth}"

        def curve(iteration, loss, acc):
            ctx.log(model=name, iteration=iteration, loss=loss, val_accuracy=acc)

        run = train_to_target(model, train, val, iterations=cfg.iterations, batch_size=cfg.batch_size, lr=cfg.lr,
                              target=cfg.target_accuracy, eval_every=cfg.eval_every, generator=gen, on_eval=curve)
        ctx.log(params=sum(p.numel() for p in model.parameters()), accuracy=run.accuracy,
                iterations=run.iterations, train_flops=run.flops)
        return run

    result = grow(sizes, build, train_one, train.x)
    stages = [{"width": s.size[0], "depth": s.size[1], "inference_flops": s.inference_flops,
               "accuracy": s.run.accuracy, "iterations": s.run.iterations, "train_flops": s.run.flops,
               "reached": s.run.reached} for s in result.stages]
    selected = None if result.selected is None else {"width": result.selected[0], "depth": result.selected[1]}
    summary = {
        "selected_size": selected,
        "compute_to_target": result.compute_to_target,
        "sizes_tried": len(stages),
        "val_accuracy": stages[-1]["accuracy"],
        "accuracy": None if result.model is None else accuracy(result.model, test),
        "mean_flops": stages[-1]["inference_flops"],  # per example, of the selected (or last) size
        "stages": stages,
    }
    lines = ["| width | depth | FLOPs/example | val accuracy | iterations | training FLOPs |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {s['width']} | {s['depth']} | {s['inference_flops']} | {s['accuracy']:.4f} | {s['iterations']} | "
              f"{s['train_flops']:.3g} |" for s in stages]
    chosen = summary["selected_size"] or "none (no size reached the target)"
    ctx.section("Growth", f"Selected size: {chosen}; training compute to target {result.compute_to_target:.3g} "
                          f"FLOPs.\n\n" + "\n".join(lines))
    return summary
