"""Kind `retrodiction`: recover a prompt from what follows it (background/004's prompt retrodiction).

A forward GPT is trained on tagged transductions `[tag] x SEP f(x)`; a retrodictor GPT on
`SEP f(x) <prev> reversed([tag] x)`. For held-out sequences we recover the prefix `[tag] x` from the chunk
`SEP f(x)` four ways: the retrodictor's greedy decoding; the most likely prefix under the forward model
(every candidate prefix scored); the prefix whose forward activations over the chunk are nearest to the
source prompt's (the activation-matching objective); and the ceiling of any token-only method, the mean
of 1 / (number of prefixes that produce the chunk). Exact-match rate and token accuracy for each.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from speedprior.errors import ConfigError
from speedprior.experiments.base import ExperimentConfig


class Config(ExperimentConfig):
    functions: list[Literal["copy", "reverse", "sort", "shift", "swap_pairs", "rotate"]] = Field(
        default_factory=lambda: ["copy", "reverse", "sort", "shift"], min_length=1)
    n_digits: int = Field(4, ge=2, le=16)
    length: int = Field(4, ge=1, le=8)
    n_layer: int = Field(2, ge=1, le=6)
    n_head: int = Field(2, ge=1, le=8)
    n_embd: int = Field(48, ge=8, le=256)
    steps: int = Field(1500, ge=1)  # each of the forward model and the retrodictor
    batch_size: int = Field(64, ge=1)
    lr: float = Field(3e-3, gt=0, allow_inf_nan=False)
    test_sequences: int = Field(128, ge=1)
    threads: int = Field(1, ge=1, le=64)

    @model_validator(mode="after")
    def _shape(self):
        if self.n_embd % self.n_head:
            raise ConfigError(f"n_embd {self.n_embd} must be a multiple of n_head {self.n_head}")
        if len(set(self.functions)) != len(self.functions):
            raise ConfigError(f"functions repeat a name: {self.functions}")
        if len(self.functions) * self.n_digits ** self.length > 200_000:
            raise ConfigError(f"{len(self.functions)} x {self.n_digits}^{self.length} candidate prefixes is over "
                              "200000: every candidate is scored for every test sequence")
        return self


def run(cfg: Config, ctx) -> dict:
    import torch

    from speedprior.interp.retrodiction import (
        best_candidates,
        candidate_prefixes,
        consistent_counts,
        greedy_retrodict,
        match_rates,
        retrodiction_batch,
        split,
    )
    from speedprior.lm import GPT, GPTConfig, TrainConfig, train, transduction_suite
    from speedprior.lm.languages import apply_transduction, mixture_batch
    from speedprior.lm.train import target_scores
    from speedprior.train.common import setup as seed_and_threads

    gen = seed_and_threads(cfg.seed, cfg.threads)
    suite = transduction_suite(tuple(cfg.functions), cfg.n_digits, cfg.length)
    tasks = list(suite.tasks.values())
    prev = suite.vocab.add("<prev>")
    prefix_len, width = 1 + cfg.length, tasks[0].prompt_len + tasks[0].target_len
    train_cfg = TrainConfig(steps=cfg.steps, batch_size=cfg.batch_size, lr=cfg.lr, eval_every=max(1, cfg.steps // 10))
    model_cfg = GPTConfig(len(suite.vocab), width + 1, cfg.n_layer, cfg.n_head, cfg.n_embd)
    probe = torch.Generator().manual_seed(cfg.seed + 1)

    def held_out_accuracy(model, sampler):
        tokens, mask = sampler(256, probe)
        model.eval()
        with torch.no_grad():
            acc = float(target_scores(model(tokens), tokens, mask)[1].mean())
        model.train()
        return acc

    def forward_batch(n, g):
        return mixture_batch(tasks, n, g)

    def retro_batch(n, g):
        return retrodiction_batch(tasks, n, g, prev, prefix_len)

    models = {}
    for name, sampler in (("forward", forward_batch), ("retrodictor", retro_batch)):
        model = GPT(model_cfg)
        train(model, sampler, train_cfg, gen, lambda m, s=sampler: held_out_accuracy(m, s),
              lambda step, loss, acc, name=name: ctx.log(model=name, step=step, loss=loss, accuracy=acc))
        models[name] = model.eval()
    accuracy = {name: held_out_accuracy(m, s) for (name, m), s in
                zip(models.items(), (forward_batch, retro_batch), strict=True)}

    tokens, _ = mixture_batch(tasks, cfg.test_sequences, torch.Generator().manual_seed(cfg.seed + 2))
    prefixes, chunks = split(tokens, prefix_len)
    tags = [task.tag for task in tasks]
    candidates = candidate_prefixes(tags, suite.digits, cfg.length)
    fn_of_tag = {task.tag: task.function for task in tasks}
    digit_index = torch.full((len(suite.vocab),), -1, dtype=torch.long)
    digit_index[suite.digits] = torch.arange(len(suite.digits))
    outputs = torch.cat([suite.digits[apply_transduction(fn_of_tag[tag], digit_index[rows[:, 1:]], cfg.n_digits)]
                         for tag in tags for rows in [candidates[candidates[:, 0] == tag]]])
    candidate_chunks = torch.cat([torch.full((len(outputs), 1), chunks[0, 0]), outputs], dim=1)  # SEP f(x)
    counts = consistent_counts(candidates, candidate_chunks, chunks)
    likely, nearest = best_candidates(models["forward"], candidates, chunks, prefixes)
    recovered = {"retrodictor (greedy)": greedy_retrodict(models["retrodictor"], chunks, prev, prefix_len),
                 "forward model, most likely prefix": candidates[likely],
                 "activation matching": candidates[nearest]}
    results = {}
    for name, predicted in recovered.items():
        exact, token = match_rates(predicted, prefixes)
        results[name] = {"exact_match": exact, "token_accuracy": token}
    results["token-only ceiling"] = {"exact_match": float((1.0 / counts.float()).mean()), "token_accuracy": None}
    ctx.log(consistent_prefixes_mean=float(counts.float().mean()))
    summary = {"forward_accuracy": accuracy["forward"], "retrodictor_accuracy": accuracy["retrodictor"],
               "candidates": len(candidates), "mean_consistent_prefixes": float(counts.float().mean()),
               "methods": results}
    _report(summary, ctx)
    return summary


def _report(summary, ctx) -> None:
    from speedprior import plotting

    fig, ax = plotting.subplots(1, 1, figsize=(7, 3.4))
    names = list(summary["methods"])
    rows = summary["methods"]
    ax.bar([i - 0.2 for i in range(len(names))], [rows[n]["exact_match"] for n in names], 0.4, label="exact match")
    ax.bar([i + 0.2 for i in range(len(names))], [rows[n]["token_accuracy"] or 0.0 for n in names], 0.4,
           label="token accuracy")
    ax.set_xticks(range(len(names)), [n.replace(", ", ",\n").replace(" (", "\n(") for n in names], fontsize=7)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    ax.set_title("recovering [tag] x from SEP f(x)")
    fig.tight_layout()
    ctx.save_figure(fig, "retrodiction")
    lines = ["| method | exact match | token accuracy |", "|---|---|---|"]
    for name, r in rows.items():
        token = "-" if r["token_accuracy"] is None else f"{r['token_accuracy']:.3f}"
        lines.append(f"| {name} | {r['exact_match']:.3f} | {token} |")
    ctx.section(f"Prompt retrodiction ({summary['candidates']} candidate prefixes, "
                f"{summary['mean_consistent_prefixes']:.2f} produce each chunk on average; forward accuracy "
                f"{summary['forward_accuracy']:.3f}, retrodictor accuracy {summary['retrodictor_accuracy']:.3f})",
                "\n".join(lines))
