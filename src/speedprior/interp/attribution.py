"""Fine-tuning attribution through a sparse autoencoder spliced into a GPT's residual stream.

The residual stream after block `layer` is split off (`residual`), encoded by the SAE into features z,
decoded with the SAE's error added back (so the forward pass is unchanged), and run through the upper
blocks of two models (`upper_logits`). When only the upper blocks were fine-tuned, M and FT share the
residual and its features, so the fine-tuning bias FT(x) - M(x) is a function of z alone, and
`feature_attribution` backpropagates it into z: attribution_j = z_j * d bias / d z_j (gradient times
activation, summed over positions), the features through which the fine-tuning acts.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from speedprior.interp.sae import TopKSAE
from speedprior.lm.model import GPT


def residual(model: GPT, tokens: torch.Tensor, layer: int) -> torch.Tensor:
    """The residual stream (B, T, C) after block `layer` (0-based) for token ids (B, T)."""
    T = tokens.shape[1]
    x = model.wte(tokens) + model.wpe(torch.arange(T, device=tokens.device))
    for block in model.blocks[: layer + 1]:
        x = block(x)
    return x


def upper_logits(model: GPT, resid: torch.Tensor, layer: int) -> torch.Tensor:
    """Logits (B, T, V) from a residual stream after block `layer`, through the blocks above it."""
    for block in model.blocks[layer + 1:]:
        resid = block(resid)
    return model.lm_head(model.ln_f(resid))


def fine_tuning_bias(base: GPT, tuned: GPT, sae: TopKSAE, tokens: torch.Tensor, layer: int, target: int,
                     positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(bias per sequence, features z): the summed rise of log p(target) from base to tuned at `positions`
    (a (B, T) mask), as a differentiable function of the SAE features z (B, T, n_features)."""
    with torch.no_grad():
        resid = residual(base, tokens, layer)
        z = sae.encode(resid)
        error = resid - sae.decode(z)
    z = z.detach().requires_grad_(True)
    spliced = sae.decode(z) + error
    rise = (F.log_softmax(upper_logits(tuned, spliced, layer), -1)[..., target]
            - F.log_softmax(upper_logits(base, spliced, layer), -1)[..., target])
    return (rise * positions).sum(1), z


def feature_attribution(base: GPT, tuned: GPT, sae: TopKSAE, tokens: torch.Tensor, layer: int, target: int,
                        positions: torch.Tensor) -> torch.Tensor:
    """Attribution (B, n_features) of each sequence's fine-tuning bias to each feature (gradient x activation)."""
    bias, z = fine_tuning_bias(base, tuned, sae, tokens, layer, target, positions)
    (grad,) = torch.autograd.grad(bias.sum(), z)
    return (grad * z).sum(1).detach()


def precision_at_k(scores: torch.Tensor, truth: torch.Tensor, k: int) -> torch.Tensor:
    """Fraction of the k highest-scoring features that are in `truth` (a bool mask), per row of scores (B, F)."""
    if scores.dim() == 1:
        scores = scores[None]
    top = scores.topk(min(k, scores.shape[-1]), dim=-1).indices
    return truth[top].float().mean(-1)


def jaccard(a: set, b: set) -> float:
    """|a & b| / |a | b| (1.0 for two empty sets)."""
    return 1.0 if not a | b else len(a & b) / len(a | b)
