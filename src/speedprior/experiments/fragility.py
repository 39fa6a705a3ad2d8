"""Kind `fragility`: perturbation curves of elicited behaviours beside their elicitation curves.

On the default model (tagged transductions, see `speedprior.evals.default_model`), every listed
function is elicited without its tag, and each also as a control relabelled by a derangement. For each
behaviour: a short elicitation curve (mean score over `tokens`, and k*), then at `fragility_tokens`
soft tokens the score under random perturbations of relative size e (noise norm = e x the mean token
embedding norm) and the gradient norm of the behavioural loss at the trained prompt. Across behaviours:
Spearman correlations between how easily a behaviour is elicited and how fragile it is.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from speedprior.errors import ConfigError
from speedprior.experiments.small_gpt import SoftPromptConfig, train_base_model


class Config(SoftPromptConfig):
    """`behaviour` is the primary behaviour: its curve is the summary's `fragility`."""

    controls: bool = True  # add each function's relabelled control as a behaviour
    fragility_tokens: int = Field(4, ge=1, le=64)
    relative_noise: list[float] = Field(default_factory=lambda: [0.0, 0.1, 0.25, 0.5, 1.0, 2.0], min_length=2)
    draws: int = Field(8, ge=1, le=256)

    @model_validator(mode="after")
    def _checks(self):
        if self.fragility_tokens not in self.tokens:
            raise ConfigError(f"fragility_tokens {self.fragility_tokens} must be one of tokens {self.tokens}")
        if self.relative_noise[0] != 0 or any(not 0 <= e <= 100 for e in self.relative_noise) or \
                sorted(self.relative_noise) != self.relative_noise:
            raise ConfigError(f"relative_noise must start at 0 and increase within 0..100, got {self.relative_noise}")
        return self


def run(cfg: Config, ctx) -> dict:
    import torch

    from speedprior.evals.elicitation import PromptTuning, elicitation_curve, k_star, score_prefix
    from speedprior.evals.fragility import fragility_drop, gradient_norm, perturbation_curve
    from speedprior.evals.hf import SmallGPTForCausalLM
    from speedprior.lm.languages import derangement
    from speedprior.train.common import setup as seed_and_threads

    seed_and_threads(cfg.seed, cfg.threads)
    base = train_base_model(cfg, ctx)
    model = SmallGPTForCausalLM.wrap(base.gpt)
    perm = derangement(cfg.n_digits, torch.Generator().manual_seed(cfg.seed))
    behaviours = {f: base.suite.tasks[f].untagged() for f in cfg.functions}
    if cfg.controls:
        behaviours.update({f"{f}-relabelled": base.suite.tasks[f].untagged(perm, f"{f}-relabelled")
                           for f in cfg.functions})
    tuning = PromptTuning(steps=cfg.prompt_steps, batch_size=cfg.prompt_batch, lr=cfg.prompt_lr)
    rows = []
    for i, (name, task) in enumerate(ctx.track(behaviours.items(), total=len(behaviours), description="behaviours")):
        eval_batch = task.batch(cfg.eval_size, torch.Generator().manual_seed(cfg.seed + 100 + i))
        prompts: dict = {}
        curve = elicitation_curve(model, task.batch, cfg.tokens, [cfg.seed], tuning, eval_batch,
                                  on_point=lambda k, s, score, p, prompts=prompts: prompts.__setitem__(k, p))
        prompt = prompts[cfg.fragility_tokens]
        perturbed = perturbation_curve(model, prompt, eval_batch, cfg.relative_noise, cfg.draws, cfg.seed + i)
        row = {"behaviour": name, "control": name.endswith("-relabelled"),
               "zero_token_score": round(score_prefix(model, None, *eval_batch), 4),
               "curve": [p.as_dict() for p in curve],
               "elicitation_auc": round(sum(p.score for p in curve) / len(curve), 4),
               "k_star": k_star(curve, 1.0, cfg.fraction),
               "fragility": perturbed, "fragility_drop": round(fragility_drop(perturbed), 4),
               "gradient_norm": round(gradient_norm(model, prompt, eval_batch), 6)}
        ctx.log(**{k: v for k, v in row.items() if k not in ("curve", "fragility")})
        rows.append(row)
    primary = next(r for r in rows if r["behaviour"] == cfg.behaviour)
    summary = {"behaviour": cfg.behaviour, "fragility": primary["fragility"], "gradient_norm": primary["gradient_norm"],
               "fragility_tokens": cfg.fragility_tokens, "behaviours": rows,
               "correlation": _correlations(rows), "base_model": base.info()}
    _report(cfg, summary, ctx)
    return summary


def _correlations(rows: list[dict]) -> dict:
    """Spearman rank correlations across behaviours (None when undefined: fewer than 3, or a constant column)."""
    from scipy.stats import spearmanr

    def rho(a: str, b: str):
        x, y = [r[a] for r in rows], [r[b] for r in rows]
        if len(rows) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
            return None
        return round(float(spearmanr(x, y).statistic), 4)

    return {"auc_vs_fragility_drop": rho("elicitation_auc", "fragility_drop"),
            "auc_vs_gradient_norm": rho("elicitation_auc", "gradient_norm"),
            "fragility_drop_vs_gradient_norm": rho("fragility_drop", "gradient_norm")}


def _report(cfg: Config, s: dict, ctx) -> None:
    from speedprior import plotting

    fig, (left, mid, right) = plotting.subplots(1, 3, figsize=(14, 3.8))
    for r in s["behaviours"]:
        style = "--" if r["control"] else "-"
        left.plot([p["tokens"] for p in r["curve"]], [p["score"] for p in r["curve"]], style, marker="o",
                  label=r["behaviour"])
        mid.plot([p["relative_noise"] for p in r["fragility"]], [p["score"] for p in r["fragility"]], style, marker="o",
                 label=r["behaviour"])
        right.scatter(r["elicitation_auc"], r["fragility_drop"], marker="s" if r["control"] else "o")
        right.annotate(r["behaviour"], (r["elicitation_auc"], r["fragility_drop"]), fontsize=6)
    left.set_xscale("log", base=2)
    left.set_xlabel("soft-prompt tokens k")
    left.set_ylabel("target accuracy")
    left.set_title("elicitation")
    mid.set_xscale("symlog", linthresh=0.1)
    mid.set_xlabel("noise norm / mean embedding norm")
    mid.set_title(f"fragility at k = {cfg.fragility_tokens}")
    right.set_xlabel("elicitation AUC (mean score over k)")
    right.set_ylabel("mean score drop under noise")
    right.set_title("across behaviours")
    left.legend(fontsize=6)
    fig.tight_layout()
    ctx.save_figure(fig, "fragility")
    lines = ["| behaviour | no prompt | AUC | k* | drop under noise | gradient norm |", "|---|---|---|---|---|---|"]
    for r in s["behaviours"]:
        lines.append(f"| {r['behaviour']} | {r['zero_token_score']:.3f} | {r['elicitation_auc']:.3f} | {r['k_star']} | "
                     f"{r['fragility_drop']:.3f} | {r['gradient_norm']:.2e} |")
    c = s["correlation"]
    lines.append(f"\nSpearman across behaviours: AUC vs drop {c['auc_vs_fragility_drop']}, AUC vs gradient norm "
                 f"{c['auc_vs_gradient_norm']}, drop vs gradient norm {c['fragility_drop_vs_gradient_norm']}.")
    ctx.section("Fragility of elicited behaviours", "\n".join(lines))
