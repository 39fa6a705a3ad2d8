"""Sparse autoencoders trained with a GPT, their reconstruction loss flowing into the model.

`SAEStack` holds either one autoencoder shared by every block's residual stream or one per block. The
training loss is the language-model loss plus `coef` times the mean over blocks of each block's
fraction of variance unexplained (scale-free, so the model cannot shrink its residual stream to cheat).
With `coef = 0` and no autoencoders it is the baseline model.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from speedprior.interp.sae import TopKSAE
from speedprior.lm.model import GPT
from speedprior.lm.train import sequence_loss


class SAEStack(nn.Module):
    """Autoencoders for the residual stream after each of `n_blocks` blocks: shared (one) or one per block."""

    def __init__(self, n_blocks: int, d_model: int, n_features: int, k: int, shared: bool):
        super().__init__()
        self.shared, self.n_blocks = shared, n_blocks
        self.saes = nn.ModuleList(TopKSAE(d_model, n_features, k) for _ in range(1 if shared else n_blocks))

    def for_block(self, block: int) -> TopKSAE:
        """The autoencoder that reads block `block`'s output."""
        return self.saes[0 if self.shared else block]

    def normalize_decoders(self) -> None:
        for sae in self.saes:
            sae.normalize_decoder()


def logits_and_residuals(model: GPT, tokens: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Logits (B, T, V) and the residual stream (B, T, C) after every block."""
    x = model.wte(tokens) + model.wpe(torch.arange(tokens.shape[1], device=tokens.device))
    residuals = []
    for block in model.blocks:
        x = block(x)
        residuals.append(x)
    return model.lm_head(model.ln_f(x)), residuals


def block_fvu(sae: TopKSAE, resid: torch.Tensor) -> torch.Tensor:
    """Fraction of the variance of resid (..., C) that `sae` does not reconstruct (differentiable)."""
    flat = resid.reshape(-1, resid.shape[-1])
    error = ((sae(flat)[0] - flat) ** 2).sum()
    return error / ((flat - flat.mean(0)) ** 2).sum().clamp(min=1e-8)


def train_jointly(model: GPT, stack: SAEStack | None, sampler: Callable, steps: int, batch_size: int, lr: float,
                  coef: float, generator: torch.Generator,
                  on_step: Callable[[int, float, float], None] | None = None, log_every: int = 100) -> None:
    """AdamW on the model (and the autoencoders): LM loss + coef * mean block FVU."""
    params = [*model.parameters(), *(stack.parameters() if stack is not None else [])]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    model.train()
    for step in range(1, steps + 1):
        tokens, mask = sampler(batch_size, generator)
        logits, residuals = logits_and_residuals(model, tokens)
        lm = sequence_loss(logits, tokens, mask)
        recon = (torch.stack([block_fvu(stack.for_block(b), r) for b, r in enumerate(residuals)]).mean()
                 if stack is not None else torch.zeros(()))
        loss = lm + coef * recon
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if stack is not None:
            stack.normalize_decoders()
        if on_step is not None and step % log_every == 0:
            on_step(step, lm.item(), recon.item())
    model.eval()


@torch.no_grad()
def evaluate_stack(model: GPT, stack: SAEStack | None, tokens: torch.Tensor, mask: torch.Tensor) -> dict:
    """Held-out LM loss, each block's FVU and each block's feature usage (fraction of positions a feature fires)."""
    logits, residuals = logits_and_residuals(model, tokens)
    out = {"lm_loss": float(sequence_loss(logits, tokens, mask))}
    if stack is not None:
        out["fvu"] = [float(block_fvu(stack.for_block(b), r)) for b, r in enumerate(residuals)]
        out["usage"] = [(stack.for_block(b).encode(r) > 0).float().mean((0, 1)) for b, r in enumerate(residuals)]
    return out
