"""Protections: fine-tune a model to refuse a behaviour, then measure how many soft-prompt tokens break it.

`Refusal(task)` is `task` with every target token replaced by <refuse>. `refusal_finetune` trains a
copy of a model on its usual tasks plus the refusal of one of them; the elicitation curve of the
refused behaviour on that copy (against the same curve on the original) counts the tokens it takes
to get the behaviour back: the protection's strength in tokens.
"""

from __future__ import annotations

import copy

import torch

from speedprior.lm.languages import REFUSE, Task, mixture_batch
from speedprior.lm.model import GPT
from speedprior.lm.train import TrainConfig, train


class Refusal(Task):
    """`task` with its targets replaced by <refuse> tokens (same prompts, same lengths)."""

    def __init__(self, task: Task):
        self.task, self.name = task, f"refuse-{task.name}"
        self.prompt_len, self.target_len = task.prompt_len, task.target_len

    def batch(self, n, generator):
        tokens, mask = self.task.batch(n, generator)
        return torch.where(mask, torch.full_like(tokens, REFUSE), tokens), mask


def refusal_finetune(model: GPT, tasks: list[Task], refused: Task, config: TrainConfig, seed: int) -> GPT:
    """A copy of `model` fine-tuned on `tasks` with `refused` (one of them) answered by <refuse>."""
    if refused not in tasks:
        raise ValueError(f"refused task {refused.name!r} is not one of the tasks")
    protected = copy.deepcopy(model)
    for p in protected.parameters():
        p.requires_grad_(True)
    mix = [Refusal(t) if t is refused else t for t in tasks]
    train(protected, lambda n, g: mixture_batch(mix, n, g), config, torch.Generator().manual_seed(seed))
    return protected.eval()


def refusal_rate(model: GPT, task: Task, n: int, seed: int) -> float:
    """Fraction of target tokens of `task` (with its hard prompt) for which the model's top token is <refuse>."""
    tokens, mask = task.batch(n, torch.Generator().manual_seed(seed))
    with torch.no_grad():
        top = model(tokens)[:, :-1].argmax(-1)
    m = mask[:, 1:]
    return float((top[m] == REFUSE).float().mean())
