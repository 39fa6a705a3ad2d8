"""The myopia gap (Wu, Morris and Levine 2024): the loss of a myopically trained model minus the loss of the
same model trained normally. A large gap means the normal model pre-caches: it computes, at earlier
positions, features that only later positions use.

Two query tasks of the same format, `x1 .. xn ?`: every digit position is trained to echo its own digit
(a local loss, so that each position's own computation, token embeddings included, is trained in both
modes), and the position of `?` answers a count, the score reported:
- `pair-count` (pre-caching helps): how many adjacent pairs (x_i, x_i+1) lie in a fixed random set of
  pairs. Normally, the query's loss trains earlier positions to flag their pair for the query to count;
  myopically nothing does (echoing a digit needs no pair flag), and the query position alone cannot tell
  which retrieved digit sat next to which.
- `token-count` (pre-caching should not help): how many x_i lie in a fixed random set of digits, a
  bag-of-tokens statistic the query reads from what each position computes for its own echo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.nn import functional as F

from speedprior.lm.model import GPT, GPTConfig
from speedprior.lm.train import TrainConfig, make_optimizer

MYOPIA_TASKS = ("pair-count", "token-count")


@dataclass
class QueryTask:
    """`x1 .. xn ?` -> a count token. Token ids: digits 0..m-1, `?` = m, counts m+1 .. m+1+n."""

    name: str
    n_digits: int
    length: int
    member: torch.Tensor  # (m, m) bool for pair-count, (m,) bool for token-count

    @property
    def query(self) -> int:
        return self.n_digits

    @property
    def vocab_size(self) -> int:
        return self.n_digits + 1 + self.length + 1

    def sample(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Inputs (n, length + 1) ending in `?`, and targets of the same shape: each digit itself, then the
        count token at the `?`."""
        x = torch.randint(0, self.n_digits, (n, self.length), generator=generator)
        if self.name == "pair-count":
            count = self.member[x[:, :-1], x[:, 1:]].sum(1)
        else:
            count = self.member[x].sum(1)
        inputs = torch.cat([x, torch.full((n, 1), self.query)], dim=1)
        return inputs, torch.cat([x, (self.n_digits + 1 + count)[:, None]], dim=1)


def query_task(name: str, n_digits: int = 6, length: int = 8, seed: int = 0) -> QueryTask:
    """A query task with its member set drawn from `seed` (half of all pairs, or half of the digits)."""
    if name not in MYOPIA_TASKS:
        raise ValueError(f"unknown myopia task {name!r}; known: {', '.join(MYOPIA_TASKS)}")
    gen = torch.Generator().manual_seed(seed)
    if name == "pair-count":
        cells = n_digits * n_digits
        member = torch.zeros(cells, dtype=torch.bool)
        member[torch.randperm(cells, generator=gen)[: cells // 2]] = True
        member = member.view(n_digits, n_digits)
    else:
        member = torch.zeros(n_digits, dtype=torch.bool)
        member[torch.randperm(n_digits, generator=gen)[: n_digits // 2]] = True
    return QueryTask(name, n_digits, length, member)


def query_loss(model: GPT, inputs: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Cross-entropy and accuracy of the answer predicted at the `?` position (the last)."""
    return _query_scores(model(inputs), targets)


def _query_scores(logits, targets):
    last, answers = logits[:, -1], targets[:, -1]
    return F.cross_entropy(last, answers), (last.argmax(-1) == answers).float().mean()


def training_loss(model: GPT, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The query's cross-entropy plus the mean cross-entropy of the digit echoes."""
    logits = model(inputs)
    echo = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), targets[:, :-1].reshape(-1))
    return _query_scores(logits, targets)[0] + echo


def train_query_model(task: QueryTask, model_config: GPTConfig, config: TrainConfig, seed: int,
                      on_eval: Callable[[int, float, float], None] | None = None) -> GPT:
    """A GPT trained on `task` (myopically if `model_config.myopic`) for `config.steps` steps."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = GPT(model_config)
    opt = make_optimizer(model, config)
    held = task.sample(config.eval_size, torch.Generator().manual_seed(seed + 1))
    for step in range(1, config.steps + 1):
        for group in opt.param_groups:
            group["lr"] = config.lr * min(1.0, step / max(1, config.warmup))
        loss = training_loss(model, *task.sample(config.batch_size, gen))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if on_eval is not None and step % config.eval_every == 0:
            with torch.no_grad():
                held_loss, held_acc = query_loss(model.eval(), *held)
            model.train()
            on_eval(step, float(held_loss), float(held_acc))
    return model.eval()


def myopia_gap(task: QueryTask, model_config: GPTConfig, config: TrainConfig, seed: int, test_size: int = 2048,
               on_eval: Callable[[str, int, float, float], None] | None = None) -> dict:
    """Train the same architecture normally and myopically from the same init; test loss and accuracy of both
    and the gap (myopic minus normal loss: > 0 means the normal model's pre-caching helped)."""
    test = task.sample(test_size, torch.Generator().manual_seed(seed + 99))
    out = {}
    for mode, myopic in (("vanilla", False), ("myopic", True)):
        cfg = GPTConfig(**{**model_config.__dict__, "myopic": myopic})
        callback = None if on_eval is None else (lambda s, lo, a, mode=mode: on_eval(mode, s, lo, a))
        model = train_query_model(task, cfg, config, seed, callback)
        with torch.no_grad():
            loss, acc = query_loss(model, *test)
        out[mode] = {"loss": round(float(loss), 4), "accuracy": round(float(acc), 4)}
    out["myopia_gap"] = round(out["myopic"]["loss"] - out["vanilla"]["loss"], 4)
    out["accuracy_gap"] = round(out["vanilla"]["accuracy"] - out["myopic"]["accuracy"], 4)
    return out
