"""The default model for evaluations: a small GPT trained here on tagged transductions.

Sequences are `[filler x 0..preamble] [tag] x1..xn SEP f(x)1..f(x)n`: a tag names the function, and
the random-length filler preamble teaches the model to work wherever its prompt starts, so that a
soft prompt of up to `preamble` tokens in front of the input sits where the model has seen text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from speedprior.lm import GPT, GPTConfig, TrainConfig, evaluate, train_on_tasks, transduction_suite
from speedprior.lm.languages import TransductionSuite


@dataclass
class DefaultModel:
    """A trained GPT, its tasks, the steps it took and its teacher-forced accuracy per task."""

    suite: TransductionSuite
    gpt: GPT
    steps: int
    accuracy: dict[str, float]

    def info(self) -> dict:
        return {"train_steps": self.steps, "params": self.gpt.num_params(),
                "accuracy": {k: round(v, 4) for k, v in self.accuracy.items()}}


def train_default_model(functions: Sequence[str], n_digits: int, length: int, preamble: int, n_layer: int,
                        n_head: int, n_embd: int, train: TrainConfig, seed: int, eval_size: int = 256,
                        on_eval: Callable[[int, float, float], None] | None = None) -> DefaultModel:
    """Train until the worst task's accuracy reaches `train.target_accuracy` or `train.steps` run out."""
    suite = transduction_suite(tuple(functions), n_digits, length, preamble=preamble)
    tasks = list(suite.tasks.values())
    config = GPTConfig(len(suite.vocab), preamble + 2 * length + 2, n_layer, n_head, n_embd)
    gpt, steps = train_on_tasks(tasks, len(suite.vocab), config, train, seed=seed, on_eval=on_eval)
    accuracy = evaluate(gpt, tasks, eval_size, torch.Generator().manual_seed(seed + 3))
    return DefaultModel(suite, gpt, steps, accuracy)
