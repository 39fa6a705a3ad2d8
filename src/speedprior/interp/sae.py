"""A TopK sparse autoencoder (Gao et al. 2024) in plain PyTorch.

    z = TopK(relu(W_enc (x - b_dec) + b_enc)),   x_hat = W_dec z + b_dec

Exactly `k` features (at most) are active per input, so sparsity needs no L1 coefficient to tune;
decoder rows are kept at unit norm, so a feature's activation is its size along its direction.
SAELens was not used: its training loop is tied to TransformerLens hooked models, and the project's
GPTs are small plain `nn.Module`s whose residual stream we can read directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn


class TopKSAE(nn.Module):
    """A dictionary of `n_features` directions in a `d_model` space, `k` active per input."""

    def __init__(self, d_model: int, n_features: int, k: int):
        super().__init__()
        if not 1 <= k <= n_features:
            raise ValueError(f"k must be in 1..n_features ({n_features}), got {k}")
        self.d_model, self.n_features, self.k = d_model, n_features, k
        self.W_enc = nn.Parameter(torch.randn(n_features, d_model) / d_model**0.5)
        self.b_enc = nn.Parameter(torch.zeros(n_features))
        self.W_dec = nn.Parameter(self.W_enc.detach().clone())  # tied at init, as in Gao et al.
        self.b_dec = nn.Parameter(torch.zeros(d_model))
        self.normalize_decoder()

    @torch.no_grad()
    def normalize_decoder(self) -> None:
        """Rescale every decoder row to unit norm."""
        self.W_dec /= self.W_dec.norm(dim=1, keepdim=True).clamp(min=1e-8)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Feature activations (..., n_features) with at most k nonzero per row."""
        pre = torch.relu((x - self.b_dec) @ self.W_enc.T + self.b_enc)
        top = pre.topk(self.k, dim=-1)
        return torch.zeros_like(pre).scatter(-1, top.indices, top.values)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Reconstruction (..., d_model) of feature activations z."""
        return z @ self.W_dec + self.b_dec

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(reconstruction, features) of x (..., d_model)."""
        z = self.encode(x)
        return self.decode(z), z


@dataclass(frozen=True)
class SAETrainConfig:
    """Adam on the mean squared reconstruction error, minibatches drawn from a fixed activation set."""

    steps: int = 2000
    batch_size: int = 256
    lr: float = 2e-3


def train_sae(sae: TopKSAE, activations: torch.Tensor, config: SAETrainConfig, generator: torch.Generator,
              on_step: Callable[[int, float], None] | None = None, log_every: int = 100) -> float:
    """Fit `sae` to activations (N, d_model); returns the final fraction of variance unexplained.

    `on_step(step, minibatch loss)` is called every `log_every` steps and at the last (the training curve)."""
    opt = torch.optim.Adam(sae.parameters(), lr=config.lr)
    with torch.no_grad():
        sae.b_dec.copy_(activations.mean(0))  # start the decoder bias at the data mean (geometric median proxy)
    for step in range(1, config.steps + 1):
        batch = activations[torch.randint(0, len(activations), (config.batch_size,), generator=generator)]
        loss = ((sae(batch)[0] - batch) ** 2).sum(-1).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sae.normalize_decoder()
        if on_step is not None and (step % log_every == 0 or step == config.steps):
            on_step(step, loss.item())
    return fraction_unexplained(sae, activations)


@torch.no_grad()
def fraction_unexplained(sae: TopKSAE, activations: torch.Tensor) -> float:
    """Sum of squared reconstruction errors over the total variance of the activations."""
    error = ((sae(activations)[0] - activations) ** 2).sum()
    total = ((activations - activations.mean(0)) ** 2).sum().clamp(min=1e-12)
    return float(error / total)
