"""Random-features networks: a frozen random ReLU layer and a readout fit by minimum-norm least squares.

The standard model of double descent (Belkin et al. 2019): with n training examples and N random
features, the readout interpolates the training labels once N >= n, and among interpolating
readouts least squares picks the one of least norm. Test error then peaks near N = n and falls
again as N grows. Fitting is one pseudo-inverse, so a whole sweep of sizes takes seconds.
"""

from __future__ import annotations

import torch
from torch import nn

from speedprior.train.data import Dataset
from speedprior.train.loop import TrainRun


def random_features(in_dim: int, n_classes: int, width: int, generator: torch.Generator) -> nn.Sequential:
    """Linear(in_dim, width) with N(0, 1/in_dim) weights, frozen, ReLU, then a zero readout Linear(width, n_classes)."""
    features = nn.Linear(in_dim, width)
    readout = nn.Linear(width, n_classes)
    with torch.no_grad():
        features.weight.copy_(torch.randn(width, in_dim, generator=generator) / in_dim ** 0.5)
        features.bias.copy_(torch.randn(width, generator=generator) * 0.1)
        readout.weight.zero_()
        readout.bias.zero_()
    features.requires_grad_(False)
    return nn.Sequential(features, nn.ReLU(), readout)


def fit_min_norm(model: nn.Sequential, train: Dataset, n_classes: int) -> int:
    """Set the readout to the least-norm least-squares fit of one-hot labels; return the fit's FLOPs (estimate).

    The estimate counts the feature pass (2 n d N) and the pseudo-inverse through an SVD of the
    n x (N+1) feature matrix (about 4 n N min(n, N) plus the product with the targets).
    """
    with torch.no_grad():
        hidden = model[1](model[0](train.x)).double()
        design = torch.cat([hidden, torch.ones(len(train), 1, dtype=torch.float64)], dim=1)
        targets = nn.functional.one_hot(train.y, n_classes).double()
        solution = torch.linalg.pinv(design) @ targets  # (N + 1, classes): min-norm among interpolants
        model[2].weight.copy_(solution[:-1].T.float())
        model[2].bias.copy_(solution[-1].float())
    n, width = design.shape
    d = train.x.shape[1]
    return int(2 * n * d * (width - 1) + 4 * n * width * min(n, width) + 2 * n * width * n_classes)


def accuracy_of(model: nn.Module, data: Dataset) -> float:
    """Fraction of examples whose largest output is the label."""
    with torch.no_grad():
        return float((model(data.x).argmax(1) == data.y).float().mean())


def fit_run(model: nn.Sequential, train: Dataset, val: Dataset, n_classes: int, target: float) -> TrainRun:
    """Fit the readout and report it as one training run toward a validation-accuracy target."""
    flops = fit_min_norm(model, train, n_classes)
    accuracy = accuracy_of(model, val)
    return TrainRun(accuracy, 1, flops, accuracy >= target)
