"""Fragility of an elicited behaviour: how fast its score falls when the soft prompt is perturbed.

`perturbation_curve` adds random noise to every soft-prompt vector, each noise vector of norm
`relative_noise` times the mean norm of the model's token embeddings, and scores the behaviour again
(mean over draws). `gradient_norm` is the norm of the behavioural loss's gradient at the soft prompt:
near an optimum it is small; a steep valley shows up as a fast-falling perturbation curve instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from speedprior.evals.elicitation import embedding_norm_range, prefix_loss, score_prefix


def perturbation_curve(model, prompt: torch.Tensor, eval_batch: tuple[torch.Tensor, torch.Tensor],
                       relative_noise: Sequence[float], draws: int, seed: int, metric: str = "accuracy") -> list[dict]:
    """Score under random perturbations of each size: [{relative_noise, score, sd}] (sd over draws)."""
    if draws < 1:
        raise ValueError(f"draws must be >= 1, got {draws}")
    gen = torch.Generator().manual_seed(seed)
    scale = embedding_norm_range(model)[1]
    out = []
    for e in relative_noise:
        scores = []
        for _ in range(draws if e > 0 else 1):
            noise = torch.randn(prompt.shape, generator=gen)
            noise = noise / noise.norm(dim=-1, keepdim=True) * (e * scale)
            scores.append(score_prefix(model, prompt + noise.to(prompt.dtype), *eval_batch, metric=metric))
        mean = sum(scores) / len(scores)
        sd = (sum((s - mean) ** 2 for s in scores) / max(1, len(scores) - 1)) ** 0.5
        out.append({"relative_noise": e, "score": round(mean, 4), "sd": round(sd, 4)})
    return out


def gradient_norm(model, prompt: torch.Tensor, eval_batch: tuple[torch.Tensor, torch.Tensor]) -> float:
    """L2 norm of d(mean target cross-entropy)/d(soft prompt) at `prompt`."""
    p = prompt.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(prefix_loss(model, p, *eval_batch), [p])
    return float(grad.norm())


def fragility_drop(curve: Sequence[dict]) -> float:
    """Mean fall of the score below its unperturbed value over the curve's nonzero noise sizes."""
    base = next(p["score"] for p in curve if p["relative_noise"] == 0)
    drops = [base - p["score"] for p in curve if p["relative_noise"] > 0]
    return sum(drops) / len(drops) if drops else 0.0
