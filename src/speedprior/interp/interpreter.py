"""An interpreter that reads a circuit's gate types per level from a ReLU network's weights.

Each hidden unit is described by permutation-invariant statistics of its incoming weights, bias and
outgoing weights; a DeepSets model (a shared MLP on every unit, summed over the layer, then an MLP)
predicts how many gates of each type sit at that level. Invariance to permuting units is built in;
invariance to rescaling them is not, so scrambled networks test whether it was learned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from speedprior.interp.compile import ReLUNetwork

N_FEATURES = 12


def unit_features(network: ReLUNetwork, layer: int) -> np.ndarray:
    """Features (width, N_FEATURES) of every unit of hidden layer `layer`."""
    w, b, out = network.weights[layer], network.biases[layer], network.weights[layer + 1].T  # out: (width, next)
    eps = 1e-6 * max(1.0, float(np.abs(w).max(initial=0.0)))
    rows = [b, w.sum(1), np.abs(w).sum(1), w.max(1, initial=0.0), w.min(1, initial=0.0), (np.abs(w) > eps).sum(1),
            out.sum(1), np.abs(out).sum(1), out.max(1, initial=0.0), out.min(1, initial=0.0),
            (np.abs(out) > 1e-6).sum(1), np.full(len(b), float(len(b)))]
    return np.stack(rows, axis=1).astype(np.float32)


@dataclass
class Interpreter:
    """Hyperparameters are stored; `fit` trains `model_`, `predict` rounds its counts."""

    n_types: int
    hidden: int = 64
    steps: int = 1500
    lr: float = 3e-3
    seed: int = 0

    def _build(self) -> None:
        torch.manual_seed(self.seed)
        self.unit_ = nn.Sequential(nn.Linear(N_FEATURES, self.hidden), nn.ReLU(), nn.Linear(self.hidden, self.hidden),
                                   nn.ReLU())
        self.head_ = nn.Sequential(nn.Linear(self.hidden, self.hidden), nn.ReLU(), nn.Linear(self.hidden, self.n_types))

    def _forward(self, feats: torch.Tensor, owner: torch.Tensor, n_layers: int) -> torch.Tensor:
        per_unit = self.unit_(torch.sign(feats) * torch.log1p(feats.abs()))  # log scale: weights span decades
        pooled = torch.zeros(n_layers, self.hidden).index_add_(0, owner, per_unit)
        return self.head_(pooled)

    @staticmethod
    def _stack(layers: list[tuple[ReLUNetwork, int]]) -> tuple[torch.Tensor, torch.Tensor]:
        feats = [unit_features(net, layer) for net, layer in layers]
        owner = np.concatenate([np.full(len(f), i) for i, f in enumerate(feats)])
        return torch.as_tensor(np.concatenate(feats)), torch.as_tensor(owner)

    def fit(self, layers: list[tuple[ReLUNetwork, int]], counts: np.ndarray) -> Interpreter:
        """Train on (network, hidden layer) pairs and their gate-type counts (len(layers), n_types)."""
        self._build()
        feats, owner = self._stack(layers)
        target = torch.as_tensor(counts, dtype=torch.float32)
        params = [*self.unit_.parameters(), *self.head_.parameters()]
        opt = torch.optim.Adam(params, lr=self.lr)
        for _ in range(self.steps):
            loss = ((self._forward(feats, owner, len(layers)) - target) ** 2).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        return self

    @torch.no_grad()
    def predict(self, layers: list[tuple[ReLUNetwork, int]]) -> np.ndarray:
        """Predicted gate-type counts (len(layers), n_types), rounded to non-negative integers."""
        feats, owner = self._stack(layers)
        return self._forward(feats, owner, len(layers)).round().clamp(min=0).long().numpy()


def count_accuracy(predicted: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """(fraction of layers whose whole count vector is right, fraction of (layer, type) counts that are right)."""
    if len(truth) == 0:
        return 0.0, 0.0
    return float((predicted == truth).all(1).mean()), float((predicted == truth).mean())
