"""Kind `shared-sae`: one sparse autoencoder for every block, trained with the model (background/004).

The same GPT (same initialisation, same batches) is trained on tagged transductions five ways: alone
(the baseline); with one TopK autoencoder per block; and with one autoencoder shared by every block at
dictionary sizes `n_features` x each of `shared_multipliers`. The autoencoders' reconstruction loss
flows into the model. We report the language-model loss each reaches (the cost of a shared
representation), reconstruction at matched dictionary size, the dictionary size the shared autoencoder
needs to reconstruct as well as the per-block ones, and which features each block uses.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from speedprior.errors import ConfigError
from speedprior.experiments.base import ExperimentConfig


class Config(ExperimentConfig):
    functions: list[Literal["copy", "reverse", "sort", "shift", "swap_pairs", "rotate"]] = Field(
        default_factory=lambda: ["copy", "reverse", "shift"], min_length=1)
    n_digits: int = Field(8, ge=2, le=32)
    length: int = Field(5, ge=2, le=16)
    n_layer: int = Field(3, ge=2, le=6)
    n_head: int = Field(2, ge=1, le=8)
    n_embd: int = Field(48, ge=8, le=256)
    steps: int = Field(1000, ge=1)
    batch_size: int = Field(64, ge=1)
    lr: float = Field(3e-3, gt=0, allow_inf_nan=False)
    coef: float = Field(0.1, ge=0, le=100, allow_inf_nan=False)  # weight of the mean block FVU in the loss
    n_features: int = Field(64, ge=2, le=8192)  # per-block dictionary size
    sae_k: int = Field(4, ge=1)
    shared_multipliers: list[int] = Field(default_factory=lambda: [1, 2, 3], min_length=1)
    test_sequences: int = Field(1024, ge=8)
    threads: int = Field(1, ge=1, le=64)

    @model_validator(mode="after")
    def _shape(self):
        if self.n_embd % self.n_head:
            raise ConfigError(f"n_embd {self.n_embd} must be a multiple of n_head {self.n_head}")
        if self.sae_k > self.n_features:
            raise ConfigError(f"sae_k {self.sae_k} exceeds n_features {self.n_features}")
        if any(m < 1 or m > 16 for m in self.shared_multipliers) or len(set(self.shared_multipliers)) != len(
                self.shared_multipliers):
            raise ConfigError(f"shared_multipliers must be distinct integers in 1..16, got {self.shared_multipliers}")
        if len(set(self.functions)) != len(self.functions):
            raise ConfigError(f"functions repeat a name: {self.functions}")
        return self


def run(cfg: Config, ctx) -> dict:
    import torch

    from speedprior.interp.shared_sae import SAEStack, evaluate_stack, train_jointly
    from speedprior.lm import GPT, GPTConfig, transduction_suite
    from speedprior.lm.languages import mixture_batch
    from speedprior.train.common import setup as seed_and_threads

    seed_and_threads(cfg.seed, cfg.threads)
    suite = transduction_suite(tuple(cfg.functions), cfg.n_digits, cfg.length)
    tasks = list(suite.tasks.values())
    width = tasks[0].prompt_len + tasks[0].target_len
    model_cfg = GPTConfig(len(suite.vocab), width, cfg.n_layer, cfg.n_head, cfg.n_embd)
    test_tokens, test_mask = mixture_batch(tasks, cfg.test_sequences, torch.Generator().manual_seed(cfg.seed + 1))
    variants = {"baseline": None, "per-block": (cfg.n_features, False)}
    variants |= {f"shared x{m}": (cfg.n_features * m, True) for m in sorted(cfg.shared_multipliers)}
    results, usage = {}, {}
    for name, spec in ctx.track(list(variants.items()), total=len(variants), description="variants"):
        torch.manual_seed(cfg.seed)  # the same model initialisation for every variant
        model = GPT(model_cfg)
        stack = None if spec is None else SAEStack(cfg.n_layer, cfg.n_embd, spec[0], cfg.sae_k, spec[1])
        train_jointly(model, stack, lambda n, g: mixture_batch(tasks, n, g), cfg.steps, cfg.batch_size, cfg.lr,
                      cfg.coef if stack is not None else 0.0, torch.Generator().manual_seed(cfg.seed),
                      lambda step, lm, recon, name=name: ctx.log(variant=name, step=step, lm_loss=lm, fvu=recon),
                      log_every=max(1, cfg.steps // 10))
        ev = evaluate_stack(model, stack, test_tokens, test_mask)
        results[name] = {"lm_loss": ev["lm_loss"], "dictionary": 0 if spec is None else spec[0] * (
            1 if spec[1] else cfg.n_layer)}
        if stack is not None:
            results[name] |= {"fvu_per_block": ev["fvu"], "mean_fvu": sum(ev["fvu"]) / len(ev["fvu"])}
            used = torch.stack(ev["usage"]) > 0.001  # (blocks, features): a feature a block uses at all
            usage[name] = torch.stack(ev["usage"])
            # across blocks, feature j is the same feature only when the dictionary is shared
            results[name] |= {"features_used_per_block": used.sum(1).tolist(),
                              "features_used_by_several_blocks": int((used.sum(0) > 1).sum()) if spec[1] else None,
                              "features_used": int(used.any(0).sum()) if spec[1] else int(used.sum())}
    target = results["per-block"]["mean_fvu"]
    matching = [m for m in sorted(cfg.shared_multipliers) if results[f"shared x{m}"]["mean_fvu"] <= target]
    summary = {"variants": results, "shared_multiplier_matching_per_block": matching[0] if matching else None,
               "lm_loss_cost_of_shared": results[f"shared x{min(cfg.shared_multipliers)}"]["lm_loss"]
               - results["baseline"]["lm_loss"],
               "lm_loss_cost_of_per_block": results["per-block"]["lm_loss"] - results["baseline"]["lm_loss"]}
    _report(cfg, summary, usage, ctx)
    return summary


def _report(cfg, summary, usage, ctx) -> None:
    from speedprior import plotting

    results = summary["variants"]
    names = list(results)
    fig, axes = plotting.subplots(1, 3, figsize=(15, 3.8))
    axes[0].bar(range(len(names)), [results[n]["lm_loss"] for n in names])
    axes[0].set_xticks(range(len(names)), names, fontsize=8)
    axes[0].set_ylabel("held-out LM loss (nats)")
    axes[0].set_yscale("log")
    with_sae = [n for n in names if n != "baseline"]
    for b in range(cfg.n_layer):
        axes[1].plot(range(len(with_sae)), [results[n]["fvu_per_block"][b] for n in with_sae], "o-",
                     label=f"block {b}")
    axes[1].set_xticks(range(len(with_sae)), [f"{n}\n({results[n]['dictionary']})" for n in with_sae], fontsize=8)
    axes[1].set_ylabel("fraction of variance unexplained")
    axes[1].legend(fontsize=8)
    largest = f"shared x{max(cfg.shared_multipliers)}"
    image = usage[largest].numpy()
    order = image.argmax(0).argsort(kind="stable")
    axes[2].imshow(image[:, order], aspect="auto", cmap="viridis", interpolation="nearest")
    axes[2].set_xlabel(f"feature of {largest} (sorted by the block using it most)")
    axes[2].set_ylabel("block")
    axes[2].set_title("firing rate per block")
    fig.tight_layout()
    ctx.save_figure(fig, "shared_sae")
    lines = ["| variant | total dictionary | LM loss | mean FVU | FVU per block | features used per block | "
             "used by several blocks |", "|---|---|---|---|---|---|---|"]
    for n, r in results.items():
        if n == "baseline":
            lines.append(f"| {n} | 0 | {r['lm_loss']:.4f} | - | - | - | - |")
            continue
        several = r["features_used_by_several_blocks"]
        lines.append(f"| {n} | {r['dictionary']} | {r['lm_loss']:.4f} | {r['mean_fvu']:.3f} | "
                     f"{', '.join(f'{v:.3f}' for v in r['fvu_per_block'])} | "
                     f"{', '.join(map(str, r['features_used_per_block']))} | "
                     f"{'-' if several is None else several} |")
    m = summary["shared_multiplier_matching_per_block"]
    lines += ["", "Shared dictionary needed to reconstruct as well as the per-block autoencoders: "
              + (f"{m} x {cfg.n_features}" if m else "not reached by the multipliers tried") + "."]
    ctx.section("One autoencoder for every block vs one per block", "\n".join(lines))
