"""Proposal 1: grow the network until it performs (a max speed prior by retraining).

Candidate sizes are trained from scratch in increasing order of per-example FLOPs; the first one
that reaches the target is selected. The report is the size selected and the training compute
spent on the way (every smaller size that failed counts, which is why the essay calls this
proposal uncompetitive).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from speedprior.nn import FlopMeter
from speedprior.train.loop import TrainRun


def mlp(in_dim: int, n_classes: int, width: int, depth: int) -> nn.Sequential:
    """depth hidden layers of `width` ReLU units."""
    layers, d = [], in_dim
    for _ in range(depth):
        layers += [nn.Linear(d, width), nn.ReLU()]
        d = width
    return nn.Sequential(*layers, nn.Linear(d, n_classes))


@dataclass
class GrowthStage:
    size: tuple
    inference_flops: int  # per example
    run: TrainRun


@dataclass
class GrowthResult:
    selected: tuple | None  # the first size that met the target (None if none did)
    compute_to_target: int  # training FLOPs summed over all stages tried
    stages: list[GrowthStage] = field(default_factory=list)
    model: nn.Module | None = None  # the trained model of the selected size


def grow(sizes: Sequence[tuple], build: Callable[[tuple], nn.Module],
         train: Callable[[nn.Module], TrainRun], example: torch.Tensor) -> GrowthResult:
    """Train build(size) for each size in increasing order of per-example FLOPs until one meets its target.

    `train(model)` trains one model from scratch and says whether it reached the target; `example` is
    a batch of inputs used once to measure each model's per-example inference FLOPs.
    """
    meter = FlopMeter()
    built = []
    for size in sizes:
        model = build(size)
        built.append((meter.per_example(model, example), size, model))
    built.sort(key=lambda item: item[0])  # smallest compute first; ties keep the given order
    result = GrowthResult(None, 0)
    for flops, size, model in built:
        run = train(model)
        result.stages.append(GrowthStage(size, flops, run))
        result.compute_to_target += run.flops
        if run.reached:
            result.selected, result.model = size, model
            break
    return result

