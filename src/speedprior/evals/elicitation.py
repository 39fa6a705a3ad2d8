"""Elicitation curves: how many soft-prompt tokens does it take to make a frozen model do something?

For a frozen causal LM (any Hugging Face `PreTrainedModel`; the project's GPT through
`evals.hf.SmallGPTForCausalLM`) and a behaviour given as (prompt, target) pairs, `train_soft_prompt`
learns k prompt vectors with `peft` prompt tuning, and `score_prefix` scores them teacher-forced (the
log-probabilities of the target tokens; nothing is generated). `elicitation_curve` repeats this for
each k and seed and reports the mean score with a t-interval over seeds; `k_star` is the fewest tokens
whose mean reaches a fraction (90%) of the behaviour's ceiling.

The norm-bounded variant projects every soft-prompt vector back into the range of norms of the real
token embeddings after each step, so the prompt cannot win by using vectors no token could produce.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from speedprior.lm.train import sequence_loss, target_scores

# A behaviour: `batch(n, generator) -> (tokens (n, T), target mask (n, T))`, e.g. `lm.languages.Task.batch`.
Batcher = Callable[[int, torch.Generator], tuple[torch.Tensor, torch.Tensor]]


@dataclass(frozen=True)
class PromptTuning:
    """Settings for training one soft prompt (Adam on the prompt vectors only; the model stays frozen)."""

    steps: int = 150
    batch_size: int = 32
    lr: float = 0.03
    norm_bounded: bool = False  # keep each vector's norm within the token embeddings' norm range
    eval_size: int = 256


def embedding_norm_range(model) -> tuple[float, float, float]:
    """(min, mean, max) of the L2 norms of the model's token embedding rows."""
    norms = model.get_input_embeddings().weight.detach().float().norm(dim=1)
    return float(norms.min()), float(norms.mean()), float(norms.max())


def project_norms(vectors: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """Rescale each row of `vectors` so its L2 norm lies in [low, high] (direction unchanged)."""
    norms = vectors.norm(dim=-1, keepdim=True).clamp(min=1e-12)
    return vectors * (norms.clamp(low, high) / norms)


def logits_with_prefix(model, prefix: torch.Tensor | None, tokens: torch.Tensor) -> torch.Tensor:
    """Logits (B, T, V) aligned with `tokens` when `prefix` (k, d) soft vectors are prepended."""
    embeds = model.get_input_embeddings()(tokens)
    if prefix is not None and len(prefix):
        embeds = torch.cat([prefix.to(embeds.dtype).expand(tokens.shape[0], -1, -1), embeds], dim=1)
    logits = model(inputs_embeds=embeds).logits
    return logits[:, logits.shape[1] - tokens.shape[1]:]


def score_prefix(model, prefix: torch.Tensor | None, tokens: torch.Tensor, mask: torch.Tensor,
                 metric: str = "accuracy", chunk: int = 64) -> float:
    """Mean teacher-forced score of the targets: token accuracy, or mean log-probability per token."""
    if metric not in ("accuracy", "logprob"):
        raise ValueError(f"unknown metric {metric!r}; known: accuracy, logprob")
    values = []
    with torch.no_grad():
        for i in range(0, len(tokens), chunk):
            t, m = tokens[i:i + chunk], mask[i:i + chunk]
            logp, acc = target_scores(logits_with_prefix(model, prefix, t), t, m)
            values.append(acc if metric == "accuracy" else logp)
    return float(torch.cat(values).mean())


def prefix_loss(model, prefix: torch.Tensor, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of the target tokens with `prefix` prepended (differentiable in the prefix)."""
    return sequence_loss(logits_with_prefix(model, prefix, tokens), tokens, mask)


def train_soft_prompt(model, behaviour: Batcher, k: int, config: PromptTuning, seed: int) -> torch.Tensor:
    """Learn k soft-prompt vectors for `behaviour` with peft prompt tuning; returns them (k, d), detached.

    The vectors start as k token embeddings drawn at random (sampled-vocabulary init, Lester et al. 2021).
    """
    from peft import PromptTuningConfig, TaskType, get_peft_model

    if k < 1:
        raise ValueError(f"a soft prompt needs k >= 1 tokens, got {k}")
    gen = torch.Generator().manual_seed(seed)
    table = model.get_input_embeddings().weight
    low, _, high = embedding_norm_range(model)
    with warnings.catch_warnings():  # peft calls a transformers method deprecated in favour of another
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
        peft_model = get_peft_model(model, PromptTuningConfig(
            task_type=TaskType.CAUSAL_LM, num_virtual_tokens=k, token_dim=table.shape[1],
            num_transformer_submodules=1))
    soft = peft_model.prompt_encoder["default"].embedding.weight
    with torch.no_grad():
        soft.copy_(table[torch.randint(0, table.shape[0], (k,), generator=gen)].float())
    opt = torch.optim.Adam([soft], lr=config.lr)
    peft_model.train()
    for _ in range(config.steps):
        tokens, mask = behaviour(config.batch_size, gen)
        logits = peft_model(input_ids=tokens).logits[:, k:]  # drop the virtual-token positions
        loss = sequence_loss(logits, tokens, mask)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if config.norm_bounded:
            with torch.no_grad():
                soft.copy_(project_norms(soft, low, high))
    prompt = soft.detach().clone()
    _unwrap(peft_model)
    return prompt


def _unwrap(peft_model) -> None:
    """Leave the base model as it was (peft froze its parameters; prompt tuning adds no layers)."""
    base = peft_model.get_base_model()
    for p in base.parameters():
        p.requires_grad_(True)
    base.eval()


@dataclass(frozen=True)
class CurvePoint:
    """One k of an elicitation curve: per-seed scores, their mean and a 95% t-interval over seeds."""

    tokens: int
    scores: tuple[float, ...]

    @property
    def score(self) -> float:
        return sum(self.scores) / len(self.scores)

    @property
    def ci(self) -> tuple[float, float]:
        return mean_interval(self.scores)

    def as_dict(self) -> dict:
        lo, hi = self.ci
        return {"tokens": self.tokens, "score": round(self.score, 4), "ci": [round(lo, 4), round(hi, 4)],
                "seed_scores": [round(s, 4) for s in self.scores]}


def mean_interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float]:
    """Student-t interval for the mean of `values` (a single value gives a zero-width interval)."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, mean
    from scipy.stats import t

    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return mean - half, mean + half


def elicitation_curve(model, behaviour: Batcher, ks: Sequence[int], seeds: Sequence[int], config: PromptTuning,
                      eval_batch: tuple[torch.Tensor, torch.Tensor], metric: str = "accuracy",
                      on_point: Callable[[int, int, float, torch.Tensor], None] | None = None) -> list[CurvePoint]:
    """Train a soft prompt for every k and seed and score it on the fixed `eval_batch`."""
    curve = []
    for k in ks:
        scores = []
        for seed in seeds:
            prompt = train_soft_prompt(model, behaviour, k, config, seed=seed * 1000 + k)
            scores.append(score_prefix(model, prompt, *eval_batch, metric=metric))
            if on_point is not None:
                on_point(k, seed, scores[-1], prompt)
        curve.append(CurvePoint(k, tuple(scores)))
    return curve


def k_star(curve: Sequence[CurvePoint], ceiling: float, fraction: float = 0.9, floor: float = 0.0) -> int | None:
    """Fewest tokens whose mean score reaches `fraction` of the way from `floor` to `ceiling`; None if none does.

    With floor 0 this is "90% of the ceiling"; pass the chance score as floor for a scale that starts at chance.
    """
    threshold = floor + fraction * (ceiling - floor)
    reached = [p.tokens for p in curve if p.score >= threshold]
    return min(reached) if reached else None
