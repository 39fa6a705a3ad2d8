"""Kind `capability-decay`: train tasks A and B together, stop B, keep evaluating both (background/004).

One run per setup: (A) unrelated synthetic languages; (B) shared structure (a + b mod p) in different
surface forms; (C) as B plus translation tasks; (D) as C with one translation pair never trained. In
each setup the last language is B: after `joint_steps` everything that mentions it leaves the
training mix and training continues on the rest for `decay_steps`. Reported per setup: the accuracy
curves, the 2 x 2 accuracy matrix, forgetting, backward transfer and the half-life of B.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, model_validator

from speedprior.errors import ConfigError
from speedprior.experiments.small_gpt import SmallGPTConfig


class Config(SmallGPTConfig):
    setups: list[Literal["A", "B", "C", "D"]] = Field(default_factory=lambda: ["A", "B", "C", "D"], min_length=1)
    n_languages: int = Field(4, ge=3, le=10)  # D holds out a pair between two kept languages: needs 3
    modulus: int = Field(5, ge=2, le=16)
    joint_steps: int = Field(1200, ge=1)
    decay_steps: int = Field(1200, ge=1)
    eval_every: int = Field(100, ge=1)
    eval_size: int = Field(128, ge=8)
    batch_size: int = Field(64, ge=1)
    lr: float = Field(3e-3, gt=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _shape(self):
        if self.joint_steps % self.eval_every or self.decay_steps % self.eval_every:
            raise ConfigError(f"joint_steps {self.joint_steps} and decay_steps {self.decay_steps} must be "
                              f"multiples of eval_every {self.eval_every}")
        if len(set(self.setups)) != len(self.setups):
            raise ConfigError(f"setups repeat a name: {self.setups}")
        return self


def run(cfg: Config, ctx) -> dict:
    from speedprior.evals.decay import run_decay
    from speedprior.lm import GPTConfig, TrainConfig, decay_setup
    from speedprior.train.common import setup as seed_and_threads

    seed_and_threads(cfg.seed, cfg.threads)
    joint = TrainConfig(steps=cfg.joint_steps, batch_size=cfg.batch_size, lr=cfg.lr, eval_every=cfg.eval_every)
    results, summary = {}, {}
    for name in ctx.track(cfg.setups, total=len(cfg.setups), description="setups"):
        setup = decay_setup(name, cfg.n_languages, cfg.modulus, seed=cfg.seed)
        width = max(t.prompt_len + t.target_len for t in setup.kept + setup.dropped + setup.held_out)
        model_config = GPTConfig(len(setup.vocab), width, cfg.n_layer, cfg.n_head, cfg.n_embd)
        result = run_decay(setup, model_config, joint, cfg.decay_steps, cfg.seed, cfg.eval_size,
                           on_eval=lambda stage, step, scores, name=name: ctx.log(setup=name, stage=stage, step=step,
                                                                                   **scores))
        results[name] = result
        summary[name] = {**result.summary(), "tasks_kept": len(setup.kept), "tasks_dropped": len(setup.dropped),
                         "chance": round(setup.chance, 4)}
    _report(cfg, results, summary, ctx)
    return {"setups": summary}


def _report(cfg: Config, results: dict, summary: dict, ctx) -> None:
    from speedprior import plotting

    n = len(results)
    cols = min(n, 2)
    rows = math.ceil(n / cols)
    fig, axes = plotting.subplots(rows, cols, figsize=(5 * cols, 3.2 * rows), squeeze=False)
    for ax, (name, r) in zip(axes.flat, results.items(), strict=False):
        for group, style in (("kept", "-"), ("dropped", "-"), ("held_out", "--")):
            if group in r.curves:
                ax.plot(r.steps, r.curves[group], style, label={"kept": "A (kept)", "dropped": "B (dropped)",
                                                                "held_out": "held-out pair"}[group])
        ax.axvline(r.drop_step, color="grey", lw=0.8)
        ax.axhline(r.chance, color="grey", lw=0.8, ls=":")
        ax.set_title(f"setup {name}")
        ax.set_xlabel("training step")
        ax.set_ylabel("accuracy")
        ax.set_ylim(-0.02, 1.02)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    ctx.save_figure(fig, "capability_decay")
    lines = ["| setup | B at drop | B final | A final | half-life of B (steps) | forgetting | BWT |",
             "|---|---|---|---|---|---|---|"]
    for name, s in summary.items():
        R = s["accuracy_matrix"]
        h = "not reached" if s["half_life_steps"] is None else f"{s['half_life_steps']:.0f}"
        lines.append(f"| {name} | {R[0][0]:.3f} | {R[1][0]:.3f} | {R[1][1]:.3f} | {h} | {s['forgetting']:.3f} | "
                     f"{s['bwt']:.3f} |")
    held = [f"setup {k}: held-out pair accuracy {s['held_out_at_drop']:.3f} at the drop, {s['held_out_final']:.3f} "
            "at the end" for k, s in summary.items() if "held_out_final" in s]
    text = "\n".join(lines) + (("\n\n" + "; ".join(held)) if held else "")
    ctx.section("Decay of the dropped language B",
                f"{cfg.n_languages} languages mod {cfg.modulus}; joint training {cfg.joint_steps} steps, then "
                f"{cfg.decay_steps} steps without B (chance {1 / cfg.modulus:.3f}).\n\n" + text)
