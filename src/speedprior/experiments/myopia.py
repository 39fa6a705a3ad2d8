"""Kind `myopia`: the myopia gap on a task where pre-caching helps and on one where it should not.

The same GPT is trained twice from the same initialisation, normally and with myopic attention (no
gradient from the loss at t into earlier positions), on each query task of `speedprior.evals.myopia`.
The gap is the myopic model's test loss minus the normal model's.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from speedprior.errors import ConfigError
from speedprior.experiments.small_gpt import SmallGPTConfig


class Config(SmallGPTConfig):
    tasks: list[Literal["pair-count", "token-count"]] = Field(
        default_factory=lambda: ["pair-count", "token-count"], min_length=1)  # the first one gives `myopia_gap`
    n_digits: int = Field(6, ge=2, le=32)
    length: int = Field(8, ge=2, le=64)
    steps: int = Field(1500, ge=1)
    batch_size: int = Field(64, ge=1)
    lr: float = Field(3e-3, gt=0, allow_inf_nan=False)
    eval_every: int = Field(100, ge=1)
    test_size: int = Field(2048, ge=16)

    @model_validator(mode="after")
    def _shape(self):
        if len(set(self.tasks)) != len(self.tasks):
            raise ConfigError(f"tasks repeat a name: {self.tasks}")
        return self


def run(cfg: Config, ctx) -> dict:
    from speedprior.evals.myopia import myopia_gap, query_task
    from speedprior.lm import GPTConfig, TrainConfig
    from speedprior.train.common import setup as seed_and_threads

    seed_and_threads(cfg.seed, cfg.threads)
    train = TrainConfig(steps=cfg.steps, batch_size=cfg.batch_size, lr=cfg.lr, eval_every=cfg.eval_every,
                        eval_size=512)
    results, curves = {}, {}
    for name in ctx.track(cfg.tasks, total=len(cfg.tasks), description="tasks"):
        task = query_task(name, cfg.n_digits, cfg.length, seed=cfg.seed)
        model_config = GPTConfig(task.vocab_size, cfg.length + 1, cfg.n_layer, cfg.n_head, cfg.n_embd)
        curve = curves.setdefault(name, {"vanilla": [], "myopic": []})

        def on_eval(mode, step, loss, acc, name=name, curve=curve):
            curve[mode].append((step, loss))
            ctx.log(task=name, mode=mode, step=step, held_loss=loss, held_accuracy=acc)

        results[name] = myopia_gap(task, model_config, train, cfg.seed, cfg.test_size, on_eval)
    first = cfg.tasks[0]
    _report(results, curves, ctx)
    return {"myopia_gap": results[first]["myopia_gap"], "gap_task": first, "tasks": results}


def _report(results: dict, curves: dict, ctx) -> None:
    from speedprior import plotting

    fig, axes = plotting.subplots(1, len(curves), figsize=(4.5 * len(curves), 3.2), squeeze=False)
    for ax, (name, curve) in zip(axes[0], curves.items(), strict=True):
        for mode, style in (("vanilla", "-"), ("myopic", "--")):
            if curve[mode]:
                steps, losses = zip(*curve[mode], strict=True)
                ax.plot(steps, losses, style, label=mode)
        ax.set_title(f"{name} (gap {results[name]['myopia_gap']:+.3f} nats)")
        ax.set_xlabel("training step")
        ax.set_ylabel("held-out loss")
        ax.set_yscale("log")
        ax.legend()
    fig.tight_layout()
    ctx.save_figure(fig, "myopia_gap")
    lines = ["| task | vanilla loss | myopic loss | gap | vanilla accuracy | myopic accuracy |",
             "|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['vanilla']['loss']:.4f} | {r['myopic']['loss']:.4f} | {r['myopia_gap']:+.4f} | "
                     f"{r['vanilla']['accuracy']:.3f} | {r['myopic']['accuracy']:.3f} |")
    ctx.section("Myopia gap (test loss, myopic minus normal)", "\n".join(lines))
