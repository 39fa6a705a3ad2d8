"""Train a small GPT on synthetic tasks and score it teacher-forced (no sampling anywhere).

Scoring is on target tokens only: the logit at position i predicts token i+1, so a target token at
position i is scored by the logit at i-1. `target_scores` gives per-sequence mean log-probability and
token accuracy; `train` runs AdamW on a batch sampler until a step budget or an accuracy floor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.nn import functional as F

from speedprior.lm.languages import Task, mixture_batch
from speedprior.lm.model import GPT, GPTConfig

Sampler = Callable[[int, torch.Generator], tuple[torch.Tensor, torch.Tensor]]


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings; training stops at `steps` or once the eval accuracy reaches `target_accuracy`."""

    steps: int = 2000
    batch_size: int = 64
    lr: float = 3e-3
    weight_decay: float = 0.01
    warmup: int = 50
    eval_every: int = 100
    eval_size: int = 512
    target_accuracy: float = 1.01  # above 1: never stop early


def target_scores(logits: torch.Tensor, tokens: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-sequence mean log-probability and accuracy of the target tokens (mask True), teacher-forced.

    logits (B, T, V) are aligned with tokens (B, T): logits[:, i] predicts tokens[:, i + 1].
    """
    logp = F.log_softmax(logits[:, :-1].float(), dim=-1)
    nxt, m = tokens[:, 1:], mask[:, 1:].float()
    token_logp = logp.gather(-1, nxt.unsqueeze(-1)).squeeze(-1)
    correct = (logp.argmax(-1) == nxt).float()
    count = m.sum(1).clamp(min=1)
    return (token_logp * m).sum(1) / count, (correct * m).sum(1) / count


def sequence_loss(logits: torch.Tensor, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of the target tokens over the batch (every target token weighs the same)."""
    nxt, m = tokens[:, 1:], mask[:, 1:]
    return F.cross_entropy(logits[:, :-1][m], nxt[m])


@torch.no_grad()
def evaluate(model: GPT, tasks: list[Task], n: int, generator: torch.Generator) -> dict[str, float]:
    """Teacher-forced target accuracy of `model` on n fresh sequences of each task, by task name."""
    was_training = model.training
    model.eval()
    out = {}
    for task in tasks:
        tokens, mask = task.batch(n, generator)
        out[task.name] = float(target_scores(model(tokens), tokens, mask)[1].mean())
    model.train(was_training)
    return out


def train(model: GPT, sampler: Sampler, config: TrainConfig, generator: torch.Generator,
          evaluator: Callable[[GPT], float] | None = None, on_eval: Callable[[int, float, float], None] | None = None,
          optimizer: torch.optim.Optimizer | None = None) -> int:
    """Train on batches from `sampler(batch_size, generator)`; returns the number of steps taken.

    Every `eval_every` steps, `evaluator(model)` (an accuracy) is computed, passed to `on_eval(step, loss,
    accuracy)`, and training stops once it reaches `config.target_accuracy`.
    """
    opt = optimizer or make_optimizer(model, config)
    model.train()
    for step in range(1, config.steps + 1):
        for group in opt.param_groups:  # linear warmup, then constant
            group["lr"] = config.lr * min(1.0, step / max(1, config.warmup))
        tokens, mask = sampler(config.batch_size, generator)
        loss = sequence_loss(model(tokens), tokens, mask)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if evaluator is not None and step % config.eval_every == 0:
            accuracy = evaluator(model)
            if on_eval is not None:
                on_eval(step, loss.item(), accuracy)
            if accuracy >= config.target_accuracy:
                return step
    return config.steps


def make_optimizer(model: GPT, config: TrainConfig) -> torch.optim.Optimizer:
    """AdamW with weight decay on matrices only (nanoGPT's split)."""
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    rest = [p for p in params if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": config.weight_decay}, {"params": rest, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=config.lr, betas=(0.9, 0.98))


def train_on_tasks(tasks: list[Task], vocab_size: int, model_config: GPTConfig | None = None,
                   config: TrainConfig = TrainConfig(), seed: int = 0,
                   on_eval: Callable[[int, float, float], None] | None = None) -> tuple[GPT, int]:
    """A fresh GPT trained on an even mixture of `tasks`; returns it (in eval mode) and the steps taken.

    The eval accuracy for early stopping is the worst task's accuracy, so no task is left behind.
    """
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    eval_gen = torch.Generator().manual_seed(seed + 1)
    width = max(t.prompt_len + t.target_len for t in tasks)
    model_config = model_config or GPTConfig(vocab_size=vocab_size, block_size=width)
    if model_config.vocab_size < vocab_size or model_config.block_size < width:
        raise ValueError(f"model config too small for vocab {vocab_size} and sequences of length {width}")
    model = GPT(model_config)

    def worst(m: GPT) -> float:
        return min(evaluate(m, tasks, config.eval_size // len(tasks) + 1, eval_gen).values())

    steps = train(model, lambda n, g: mixture_batch(tasks, n, g), config, gen, worst, on_eval)
    return model.eval(), steps
