"""Kind `sae-attribution`: which sparse-autoencoder features does a fine-tuning act through?

M is a small GPT trained on tagged transductions of digit strings (`speedprior.lm`). A TopK SAE is
trained on M's residual stream after block `layer`. FT is M fine-tuned, upper blocks only, with a
known intent: every output digit `relabel_from` becomes `relabel_to`. The bias FT(x) - M(x) (the rise
of log p(relabel_to) at output positions) is backpropagated into the SAE features and features are
ranked by gradient x activation. Ground truth: the features that encode the targeted class, i.e. fire
`truth_lift` times more often than chance where the current token, or the next output token, is
`relabel_from`, and on at least `truth_recall` of those positions (small SAEs on a 48-wide residual
stream mix the class with position, so few features are pure). We report precision@k per
input and for the averaged ranking, against chance and an activation-only ranking, and the overlap of
the top features across fine-tuning runs with different seeds (path dependence).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from speedprior.errors import ConfigError
from speedprior.experiments.base import ExperimentConfig


class Config(ExperimentConfig):
    functions: list[Literal["copy", "reverse", "sort", "shift", "swap_pairs", "rotate"]] = Field(
        default_factory=lambda: ["copy", "reverse", "shift"], min_length=1)
    n_digits: int = Field(8, ge=3, le=32)
    length: int = Field(5, ge=2, le=16)
    relabel_from: int = Field(3, ge=0)  # the targeted class: this output digit ...
    relabel_to: int = Field(5, ge=0)  # ... is rewritten to this one by the fine-tuning
    n_layer: int = Field(2, ge=2, le=6)
    n_head: int = Field(2, ge=1, le=8)
    n_embd: int = Field(48, ge=8, le=256)
    layer: int = Field(0, ge=0)  # the SAE reads the residual after this block; only the blocks above are tuned
    steps: int = Field(1500, ge=1)
    ft_steps: int = Field(300, ge=1)
    ft_seeds: int = Field(3, ge=1, le=16)
    lr: float = Field(3e-3, gt=0, allow_inf_nan=False)
    ft_lr: float = Field(1e-3, gt=0, allow_inf_nan=False)
    batch_size: int = Field(64, ge=1)
    n_features: int = Field(128, ge=2, le=8192)
    sae_k: int = Field(4, ge=1)
    sae_steps: int = Field(1500, ge=1)
    sae_sequences: int = Field(2048, ge=8)
    eval_sequences: int = Field(256, ge=1)
    truth_lift: float = Field(2.0, gt=1, allow_inf_nan=False)  # P(class | feature fires) / P(class) to count
    truth_recall: float = Field(0.05, gt=0, le=1, allow_inf_nan=False)  # P(feature fires | class) to count
    ks: list[int] = Field(default_factory=lambda: [1, 5, 10], min_length=1)
    threads: int = Field(1, ge=1, le=64)

    @model_validator(mode="after")
    def _shape(self):
        if self.n_embd % self.n_head:
            raise ConfigError(f"n_embd {self.n_embd} must be a multiple of n_head {self.n_head}")
        if self.layer >= self.n_layer - 1:
            raise ConfigError(f"layer {self.layer} must leave a block above it (n_layer {self.n_layer})")
        for key in ("relabel_from", "relabel_to"):
            if getattr(self, key) >= self.n_digits:
                raise ConfigError(f"{key} {getattr(self, key)} is not a digit below n_digits {self.n_digits}")
        if self.relabel_from == self.relabel_to:
            raise ConfigError(f"relabel_from and relabel_to are both {self.relabel_to}")
        if self.sae_k > self.n_features:
            raise ConfigError(f"sae_k {self.sae_k} exceeds n_features {self.n_features}")
        if any(k < 1 for k in self.ks):
            raise ConfigError(f"ks must be >= 1, got {self.ks}")
        if len(set(self.functions)) != len(self.functions):
            raise ConfigError(f"functions repeat a name: {self.functions}")
        return self


def run(cfg: Config, ctx) -> dict:
    import copy

    import torch

    from speedprior.interp.attribution import feature_attribution, jaccard, precision_at_k, residual
    from speedprior.interp.sae import SAETrainConfig, TopKSAE, train_sae
    from speedprior.lm import GPT, GPTConfig, TrainConfig, evaluate, train, transduction_suite
    from speedprior.lm.languages import mixture_batch
    from speedprior.train.common import setup as seed_and_threads

    gen = seed_and_threads(cfg.seed, cfg.threads)
    suite = transduction_suite(tuple(cfg.functions), cfg.n_digits, cfg.length)
    tasks = list(suite.tasks.values())
    source, target = int(suite.digits[cfg.relabel_from]), int(suite.digits[cfg.relabel_to])
    width = tasks[0].prompt_len + tasks[0].target_len
    model = GPT(GPTConfig(len(suite.vocab), width, cfg.n_layer, cfg.n_head, cfg.n_embd))
    eval_gen = torch.Generator().manual_seed(cfg.seed + 1)

    def sampler(n, g):
        return mixture_batch(tasks, n, g)

    def relabelled(n, g):  # the fine-tuning data: the targeted output digit rewritten
        tokens, mask = mixture_batch(tasks, n, g)
        return torch.where(mask & (tokens == source), torch.full_like(tokens, target), tokens), mask

    def log_curve(phase):
        return lambda step, loss, acc: ctx.log(phase=phase, step=step, loss=loss, accuracy=acc)

    base_cfg = TrainConfig(steps=cfg.steps, batch_size=cfg.batch_size, lr=cfg.lr, eval_every=max(1, cfg.steps // 10))
    train(model, sampler, base_cfg, gen, lambda m: min(evaluate(m, tasks, 128, eval_gen).values()), log_curve("M"))
    model.eval()
    base_accuracy = min(evaluate(model, tasks, 512, eval_gen).values())

    # the SAE, on M's residual stream at every position of fresh sequences
    tokens, _ = sampler(cfg.sae_sequences, gen)
    with torch.no_grad():
        acts = residual(model, tokens, cfg.layer).reshape(-1, cfg.n_embd)
    sae = TopKSAE(cfg.n_embd, cfg.n_features, cfg.sae_k)
    fvu = train_sae(sae, acts, SAETrainConfig(cfg.sae_steps, 256, 2e-3), gen,
                    lambda step, loss: ctx.log(phase="SAE", step=step, reconstruction_loss=loss),
                    log_every=max(1, cfg.sae_steps // 10))

    # ground truth: features that fire mostly where the current token or the next output token is the class
    tokens, mask = sampler(cfg.eval_sequences * 4, eval_gen)
    with torch.no_grad():
        z = sae.encode(residual(model, tokens, cfg.layer))  # (B, T, F)
    next_is = torch.zeros_like(mask)
    next_is[:, :-1] = mask[:, 1:] & (tokens[:, 1:] == source)
    in_class = (tokens == source) | next_is
    fires = z > 0
    hits = (fires & in_class[..., None]).sum((0, 1)).float()
    precision = hits / fires.sum((0, 1)).clamp(min=1)
    recall = hits / in_class.sum().clamp(min=1)
    base_rate = in_class.float().mean()
    truth = (precision >= cfg.truth_lift * base_rate) & (recall >= cfg.truth_recall)

    # fine-tune the upper blocks with the relabelling intent, once per seed, and attribute its bias
    eval_tokens, eval_mask = sampler(cfg.eval_sequences, torch.Generator().manual_seed(cfg.seed + 2))  # inputs x
    positions = torch.zeros_like(eval_mask, dtype=torch.float32)
    positions[:, :-1] = eval_mask[:, 1:].float()  # logits that predict an output token
    affected = (eval_mask & (eval_tokens == source)).any(1)  # inputs whose answer contains the class
    runs = []
    for s in ctx.track(range(cfg.ft_seeds), total=cfg.ft_seeds, description="fine-tune"):
        tuned = copy.deepcopy(model).train()
        for name, p in tuned.named_parameters():
            p.requires_grad = name.startswith("ln_f") or any(
                name.startswith(f"blocks.{b}.") for b in range(cfg.layer + 1, cfg.n_layer))
        ft_cfg = TrainConfig(steps=cfg.ft_steps, batch_size=cfg.batch_size, lr=cfg.ft_lr, warmup=10,
                             eval_every=max(1, cfg.ft_steps // 5))
        ft_gen = torch.Generator().manual_seed(cfg.seed + 100 + s)
        probe = torch.Generator().manual_seed(cfg.seed + 200 + s)

        def intent(m, probe=probe):  # fraction of the targeted outputs that FT rewrites
            t, k = relabelled(256, probe)
            return _rewritten(m, t, k, target)

        train(tuned, relabelled, ft_cfg, ft_gen, intent, log_curve(f"FT{s}"))
        tuned.eval()
        scores = feature_attribution(model, tuned, sae, eval_tokens, cfg.layer, target, positions)
        runs.append({"scores": scores, "intent": intent(tuned)})
    n_truth = int(truth.sum())
    ks = sorted(set(cfg.ks) | ({n_truth} if n_truth else set()))
    with torch.no_grad():
        activation_rank = sae.encode(residual(model, eval_tokens, cfg.layer)).sum(1)  # no gradient: how much fires
    results = {}
    for k in ks:
        per_input = [float(precision_at_k(r["scores"][affected], truth, k).mean()) for r in runs]
        averaged = [float(precision_at_k(r["scores"][affected].mean(0), truth, k)) for r in runs]
        # magnitude: a feature through which the fine-tuning lowers the bias is also one it acts through
        per_input_abs = [float(precision_at_k(r["scores"][affected].abs(), truth, k).mean()) for r in runs]
        averaged_abs = [float(precision_at_k(r["scores"][affected].mean(0).abs(), truth, k)) for r in runs]
        tops = [set(r["scores"][affected].mean(0).topk(k).indices.tolist()) for r in runs]
        overlaps = [jaccard(a, b) for i, a in enumerate(tops) for b in tops[i + 1:]]
        results[str(k)] = {
            "precision_per_input": sum(per_input) / len(per_input),
            "precision_averaged": sum(averaged) / len(averaged),
            "precision_per_input_abs": sum(per_input_abs) / len(per_input_abs),
            "precision_averaged_abs": sum(averaged_abs) / len(averaged_abs),
            "precision_activation_baseline": float(precision_at_k(activation_rank[affected].mean(0), truth, k)),
            "precision_chance": n_truth / cfg.n_features,
            "top_k_jaccard_across_seeds": sum(overlaps) / len(overlaps) if overlaps else None,
        }
    summary = {"base_accuracy": base_accuracy, "sae_fraction_unexplained": fvu,
               "alive_features": int((fires.sum((0, 1)) > 0).sum()), "truth_features": n_truth,
               "affected_inputs": int(affected.sum()), "intent_rewritten": [r["intent"] for r in runs],
               "precision_at_k": results}
    _report(cfg, summary, runs, truth, affected, ctx)
    return summary


def _rewritten(model, tokens, mask, target) -> float:
    """Fraction of output positions labelled `target` (the rewritten class) that the model predicts."""
    import torch

    with torch.no_grad():
        pred = model(tokens)[:, :-1].argmax(-1)
    where = mask[:, 1:] & (tokens[:, 1:] == target)
    return float((pred[where] == target).float().mean()) if bool(where.any()) else 0.0


def _report(cfg, summary, runs, truth, affected, ctx) -> None:
    import numpy as np

    from speedprior import plotting

    fig, axes = plotting.subplots(1, 2, figsize=(11, 3.6))
    ks = list(summary["precision_at_k"])
    rows = summary["precision_at_k"]
    for key, label in (("precision_per_input", "per input"), ("precision_averaged", "averaged over inputs"),
                       ("precision_per_input_abs", "per input, |attribution|"),
                       ("precision_averaged_abs", "averaged, |attribution|"),
                       ("precision_activation_baseline", "activation only"), ("precision_chance", "chance")):
        axes[0].plot(range(len(ks)), [rows[k][key] for k in ks], "o-", label=label)
    axes[0].set_xticks(range(len(ks)), ks)
    axes[0].set_xlabel("k")
    axes[0].set_ylabel("precision@k vs ground truth")
    axes[0].set_ylim(-0.02, 1.02)
    axes[0].legend(fontsize=8)
    scores = runs[0]["scores"][affected].mean(0).numpy()
    order = np.argsort(-scores)
    colours = ["tab:red" if truth[i] else "tab:grey" for i in order]
    axes[1].bar(range(len(order)), scores[order], color=colours)
    axes[1].set_xlabel("feature, by attribution (red: encodes the targeted class)")
    axes[1].set_ylabel("mean attribution")
    fig.tight_layout()
    ctx.save_figure(fig, "sae_attribution")
    lines = ["| k | per input | averaged | per input, abs | averaged, abs | activation only | chance | "
             "top-k Jaccard across seeds |", "|---|---|---|---|---|---|---|---|"]
    for k in ks:
        r = rows[k]
        jac = "-" if r["top_k_jaccard_across_seeds"] is None else f"{r['top_k_jaccard_across_seeds']:.3f}"
        lines.append(f"| {k} | {r['precision_per_input']:.3f} | {r['precision_averaged']:.3f} | "
                     f"{r['precision_per_input_abs']:.3f} | {r['precision_averaged_abs']:.3f} | "
                     f"{r['precision_activation_baseline']:.3f} | {r['precision_chance']:.3f} | {jac} |")
    ctx.section(f"Precision@k of fine-tuning attribution ({summary['truth_features']} ground-truth features of "
                f"{cfg.n_features}; SAE FVU {summary['sae_fraction_unexplained']:.3f}; M accuracy "
                f"{summary['base_accuracy']:.3f}; FT rewrites {np.mean(summary['intent_rewritten']):.3f})",
                "\n".join(lines))
