"""A small GPT (nanoGPT's shape) with a `myopic` switch.

Myopic training (Wu, Morris and Levine 2024) stops the gradient of the loss at position t from
reaching the computation of any earlier position s < t. The only path between positions in a
causal transformer is attention: the query at t reads the keys and values of s <= t. A myopic
attention layer therefore uses detached keys and values (and detached weights to compute them) for
every s < t, and live ones only on the diagonal s = t. The forward pass is unchanged; only the
backward pass differs, so `myopic` is a training-time switch on the same weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
from torch import nn
from torch.nn import functional as F


@dataclass(frozen=True)
class GPTConfig:
    """Sizes of a GPT; `myopic` blocks gradients from later positions' losses into earlier positions."""

    vocab_size: int = 64
    block_size: int = 64  # longest sequence (soft-prompt tokens included)
    n_layer: int = 2
    n_head: int = 2
    n_embd: int = 64
    dropout: float = 0.0
    myopic: bool = False

    def __post_init__(self):
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd {self.n_embd} is not a multiple of n_head {self.n_head}")
        for name in ("vocab_size", "block_size", "n_layer", "n_head", "n_embd"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")


class CausalSelfAttention(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        self.n_head, self.n_embd, self.myopic = config.n_head, config.n_embd, config.myopic
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x):
        B, T, C = x.shape
        hs = C // self.n_head
        q, k, v = self._split(self.c_attn(x), B, T, hs)  # each (B, nh, T, hs)
        causal = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
        if not self.myopic:
            att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)  # (B, nh, T, T)
            att = self.dropout(F.softmax(att.masked_fill(~causal, float("-inf")), dim=-1))
            y = att @ v  # (B, nh, T, hs)
        else:
            # Earlier positions' keys and values, recomputed from detached inputs and weights: the query at t
            # may still learn where to look, but nothing at s < t is trained by the loss at t.
            frozen = F.linear(x.detach(), self.c_attn.weight.detach(), self.c_attn.bias.detach())
            _, k_past, v_past = self._split(frozen, B, T, hs)
            eye = torch.eye(T, dtype=torch.bool, device=x.device)
            live = (q * k).sum(-1, keepdim=True) / math.sqrt(hs)  # (B, nh, T, 1): the diagonal, with gradient
            att = (q @ k_past.transpose(-2, -1)) / math.sqrt(hs)
            att = torch.where(eye, live, att).masked_fill(~causal, float("-inf"))
            att = self.dropout(F.softmax(att, dim=-1))
            diag = torch.diagonal(att, dim1=-2, dim2=-1).unsqueeze(-1)  # (B, nh, T, 1)
            y = att.masked_fill(eye, 0.0) @ v_past + diag * v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.dropout(self.c_proj(y))

    def _split(self, qkv, B, T, hs):
        return [t.view(B, T, self.n_head, hs).transpose(1, 2) for t in qkv.split(self.n_embd, dim=2)]


class MLP(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(F.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        self.ln_1, self.attn = nn.LayerNorm(config.n_embd), CausalSelfAttention(config)
        self.ln_2, self.mlp = nn.LayerNorm(config.n_embd), MLP(config)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """Token and position embeddings, `n_layer` pre-norm blocks, a tied output head.

    `forward` takes token ids or input embeddings (soft prompts are prepended as embeddings) and
    returns logits (B, T, vocab). Positions are learned, so sequences are at most `block_size` long.
    """

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.block_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight  # weight tying, as in GPT-2
        self.apply(self._init_weights)
        for name, p in self.named_parameters():  # GPT-2's scaled init of the residual projections
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx: torch.Tensor | None = None, inputs_embeds: torch.Tensor | None = None) -> torch.Tensor:
        """Logits (B, T, vocab) for token ids `idx` (B, T) or embeddings `inputs_embeds` (B, T, n_embd)."""
        if (idx is None) == (inputs_embeds is None):
            raise ValueError("pass exactly one of idx and inputs_embeds")
        tok = self.wte(idx) if inputs_embeds is None else inputs_embeds  # (B, T, C)
        T = tok.shape[1]
        if T > self.config.block_size:
            raise ValueError(f"sequence of length {T} exceeds block_size {self.config.block_size}")
        x = self.drop(tok + self.wpe(torch.arange(T, device=tok.device)))
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))

    def with_myopic(self, myopic: bool) -> GPT:
        """Switch myopic gradients on or off in place (the forward pass does not change); returns self."""
        self.config = replace(self.config, myopic=myopic)
        for block in self.blocks:
            block.attn.myopic = myopic
        return self

    def num_params(self) -> int:
        """Parameter count (the tied head counted once)."""
        return sum(p.numel() for p in self.parameters())

