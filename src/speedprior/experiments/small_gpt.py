"""Config fields shared by the kinds that train the small in-project GPT (`speedprior.lm`) and measure it.

`SmallGPTConfig` holds the GPT's shape and the torch threads (elicitation, fragility,
capability-decay, myopia); `SoftPromptConfig` adds what elicitation and fragility share: the
base model trained on tagged transductions of digit strings, and the soft prompts tuned to elicit
one of them. A kind redeclares a field only to give it another default. `train_base_model` trains
that base model the same way for both, its curve logged through the run context.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from speedprior.errors import ConfigError
from speedprior.experiments.base import ExperimentConfig

# the transductions the base model of elicitation and fragility is trained on (speedprior.lm.languages)
Function = Literal["copy", "reverse", "sort", "shift", "swap_pairs", "rotate"]
Heads = Annotated[int, Field(ge=1, le=8)]
Width = Annotated[int, Field(ge=8, le=256)]  # n_embd


class SmallGPTConfig(ExperimentConfig):
    """The small GPT's shape (n_embd a multiple of n_head) and the torch threads."""

    n_layer: int = Field(2, ge=1, le=8)
    n_head: Heads = 2
    n_embd: Width = 48
    threads: int = Field(1, ge=1, le=64)

    def trains_small_gpt(self) -> bool:
        """Whether this config trains the small GPT (a kind that can measure another model may say no)."""
        return True

    @model_validator(mode="after")
    def _gpt_shape(self):
        if self.trains_small_gpt() and self.n_embd % self.n_head:
            raise ConfigError(f"n_embd {self.n_embd} must be a multiple of n_head {self.n_head}")
        return self


class SoftPromptConfig(SmallGPTConfig):
    """A base GPT trained on `functions` until every one reaches `target_accuracy`, and soft-prompt tuning."""

    behaviour: Function = "sort"  # the transduction elicited without its tag
    functions: list[Function] = Field(default_factory=lambda: ["copy", "reverse", "sort", "shift"], min_length=1)
    fraction: float = Field(0.9, gt=0, le=1, allow_inf_nan=False)  # k*: the fewest tokens reaching this share
    # the soft prompts: their lengths (increasing, within 1..64) and their tuning
    tokens: list[int] = Field(default_factory=lambda: [1, 4, 16], min_length=1)
    prompt_steps: int = Field(150, ge=1)
    prompt_lr: float = Field(0.03, gt=0, allow_inf_nan=False)
    prompt_batch: int = Field(32, ge=1)
    eval_size: int = Field(256, ge=8)
    # the base model
    n_digits: int = Field(8, ge=2, le=32)
    length: int = Field(6, ge=1, le=16)
    n_head: Heads = 4
    n_embd: Width = 64
    train_steps: int = Field(3000, ge=1)
    train_lr: float = Field(3e-3, gt=0, allow_inf_nan=False)
    train_batch: int = Field(64, ge=1)
    target_accuracy: float = Field(0.98, gt=0, le=1, allow_inf_nan=False)

    @model_validator(mode="after")
    def _functions_and_tokens(self):
        if sorted(set(self.tokens)) != self.tokens or self.tokens[0] < 1 or self.tokens[-1] > 64:
            raise ConfigError(f"tokens must be increasing, distinct and within 1..64, got {self.tokens}")
        if self.trains_small_gpt():
            if self.behaviour not in self.functions:
                raise ConfigError(f"behaviour {self.behaviour!r} is not one of functions {self.functions}")
            if len(set(self.functions)) != len(self.functions):
                raise ConfigError(f"functions repeat a name: {self.functions}")
        return self


def train_base_model(cfg: SoftPromptConfig, ctx):
    """The base GPT of elicitation and fragility (evals.default_model), its training curve logged as `base-model`."""
    from speedprior.evals.default_model import train_default_model
    from speedprior.lm import TrainConfig

    train = TrainConfig(steps=cfg.train_steps, batch_size=cfg.train_batch, lr=cfg.train_lr, eval_every=100,
                        target_accuracy=cfg.target_accuracy)
    return train_default_model(cfg.functions, cfg.n_digits, cfg.length, max(cfg.tokens), cfg.n_layer, cfg.n_head,
                               cfg.n_embd, train, cfg.seed, cfg.eval_size,
                               on_eval=lambda step, loss, acc: ctx.log(stage="base-model", step=step, loss=loss,
                                                                       worst_task_accuracy=acc))
