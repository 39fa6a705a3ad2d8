"""Kind `compiled-networks`: circuits compiled into exact ReLU networks, scrambled, imitated and interpreted.

Random circuits of every basis are compiled (`speedprior.interp.compile`) and checked on every input;
each test network is scrambled by permuting and rescaling its hidden units (same function); networks of
the same shape are trained to imitate some of them. We measure how close the trained hidden layers are
to the compiled ones (linear CKA, affine-fit R^2, against the scrambles and untrained networks of the same
shape), and train an interpreter on compiled networks to predict the gate types at each level, scored on
held-out compiled, scrambled and trained networks (background/004, "compile networks from programs").
"""

from __future__ import annotations

from functools import partial
from typing import Literal

from pydantic import Field, model_validator

from speedprior.errors import ConfigError
from speedprior.experiments.base import ExperimentConfig

Basis = Literal["and-or-not", "aig", "xaig", "full"]


class Config(ExperimentConfig):
    bases: list[Basis] = Field(default_factory=lambda: ["and-or-not", "aig", "xaig", "full"], min_length=1)
    n_inputs: int = Field(6, ge=2, le=12)  # every one of the 2^n inputs is checked and used for similarity
    n_gates: int = Field(10, ge=1, le=64)
    n_outputs: int = Field(2, ge=1, le=8)
    train_circuits: int = Field(600, ge=1)  # the interpreter's training set (compiled networks only)
    test_circuits: int = Field(200, ge=1)
    imitators: int = Field(16, ge=1)  # test networks that get a trained imitator of the same shape
    imitation_steps: int = Field(3000, ge=1)
    imitation_lr: float = Field(0.01, gt=0, allow_inf_nan=False)
    restarts: int = Field(3, ge=1, le=32)  # fresh initialisations tried until one imitates exactly
    max_scale: float = Field(4.0, ge=1, le=1e3, allow_inf_nan=False)  # scrambles rescale units by [1/s, s]
    interpreter_steps: int = Field(2000, ge=1)
    interpreter_hidden: int = Field(64, ge=4, le=1024)
    threads: int = Field(1, ge=1, le=64)

    @model_validator(mode="after")
    def _sizes(self):
        if self.n_outputs > self.n_gates:
            raise ConfigError(f"n_outputs {self.n_outputs} exceeds n_gates {self.n_gates}")
        if self.imitators > self.test_circuits:
            raise ConfigError(f"imitators {self.imitators} exceeds test_circuits {self.test_circuits}")
        if len(set(self.bases)) != len(self.bases):
            raise ConfigError(f"bases repeat a name: {self.bases}")
        return self


def run(cfg: Config, ctx) -> dict:
    import numpy as np

    from speedprior.interp.compile import all_inputs, check_compiled, compile_circuit
    from speedprior.interp.imitate import ImitationConfig, imitate
    from speedprior.interp.interpreter import Interpreter, count_accuracy
    from speedprior.interp.random_circuits import GATE_TYPES, gate_type_counts, random_circuit
    from speedprior.interp.scramble import scramble
    from speedprior.interp.similarity import affine_fit_r2, linear_cka
    from speedprior.train.common import setup as seed_and_threads

    seed_and_threads(cfg.seed, cfg.threads)
    rng = np.random.default_rng(cfg.seed)
    x = all_inputs(cfg.n_inputs)
    circuits, networks, rows_checked = [], [], 0
    total = cfg.train_circuits + cfg.test_circuits
    for i in ctx.track(range(total), total=total, description="compile and check"):
        basis = cfg.bases[i % len(cfg.bases)]
        circuit = random_circuit(cfg.n_inputs, cfg.n_gates, cfg.n_outputs, basis, rng)
        network = compile_circuit(circuit)
        rows_checked += check_compiled(circuit, network)  # raises on any wrong input or depth
        circuits.append(circuit)
        networks.append(network)
    train_idx, test_idx = range(cfg.train_circuits), range(cfg.train_circuits, total)
    scrambled = {i: scramble(networks[i], rng, cfg.max_scale) for i in test_idx}
    scramble_ok = all(np.allclose(scrambled[i](x), networks[i](x), atol=1e-9) for i in test_idx)

    imitation = ImitationConfig(steps=cfg.imitation_steps, lr=cfg.imitation_lr)
    imitated, similarity = {}, []
    for n, i in enumerate(ctx.track(list(test_idx)[: cfg.imitators], total=cfg.imitators, description="imitate")):
        for attempt in range(cfg.restarts):
            init_seed = cfg.seed + n * cfg.restarts + attempt
            curve = partial(_log_loss, ctx, f"circuit{i}-attempt{attempt}")
            trained, exact, steps = imitate(networks[i], x, init_seed, imitation, on_check=curve)
            if exact:
                break
        untrained, _, _ = imitate(networks[i], x, init_seed, imitation, train=False)
        imitated[i] = trained
        ctx.log(circuit=i, basis=circuits[i].basis, exact=exact, steps=steps, attempts=attempt + 1)
        compiled_h = networks[i].hidden(x)
        for other_name, other in (("scrambled", scrambled[i]), ("trained", trained), ("untrained", untrained)):
            for layer, (h_c, h_o) in enumerate(zip(compiled_h, other.hidden(x), strict=True)):
                similarity.append({"circuit": i, "basis": circuits[i].basis, "layer": layer + 1,
                                   "depth": networks[i].depth, "against": other_name, "exact": exact,
                                   "cka": linear_cka(h_c, h_o), "r2_to_compiled": affine_fit_r2(h_o, h_c),
                                   "r2_from_compiled": affine_fit_r2(h_c, h_o)})

    def layers_of(indices, source):
        pairs = [(source[i], layer) for i in indices for layer in range(networks[i].depth)]
        counts = [gate_type_counts(circuits[i])[layer] for i in indices for layer in range(networks[i].depth)]
        return pairs, np.array(counts).reshape(-1, len(GATE_TYPES))

    train_layers, train_counts = layers_of(train_idx, networks)
    interpreter = Interpreter(len(GATE_TYPES), cfg.interpreter_hidden, cfg.interpreter_steps, seed=cfg.seed)
    interpreter.fit(train_layers, train_counts)
    accuracy = {}
    sets = {"compiled": (list(test_idx), networks), "scrambled": (list(test_idx), scrambled),
            "compiled (imitated circuits)": (list(imitated), networks), "trained": (list(imitated), imitated)}
    for name, (indices, source) in sets.items():
        pairs, truth = layers_of(indices, source)
        layer_acc, count_acc = count_accuracy(interpreter.predict(pairs), truth)
        accuracy[name] = {"layers": len(pairs), "layer_exact": layer_acc, "count_exact": count_acc}
    _, truth = layers_of(list(test_idx), networks)
    guess = np.broadcast_to(np.round(train_counts.mean(0)), truth.shape)  # the constant mean-count guess
    layer_acc, count_acc = count_accuracy(guess, truth)
    accuracy["mean-count baseline"] = {"layers": len(truth), "layer_exact": layer_acc, "count_exact": count_acc}

    summary_similarity = {}
    for against in ("scrambled", "trained", "untrained"):
        # trained networks count only where they compute the circuit: the question is how they do it
        rows = [r for r in similarity if r["against"] == against and (r["exact"] or against != "trained")]
        if rows:
            summary_similarity[against] = {"layers": len(rows)} | {
                key: float(np.mean([r[key] for r in rows])) for key in ("cka", "r2_to_compiled", "r2_from_compiled")}
    depth_hist = {str(d): int(n) for d, n in zip(*np.unique([net.depth for net in networks], return_counts=True),
                                               strict=True)}
    _report(cfg, accuracy, similarity, summary_similarity, ctx)
    return {"circuits": total, "inputs_checked": rows_checked, "all_compiled_exact": True,
            "depth_equals_circuit_depth": True, "scrambles_preserve_function": bool(scramble_ok),
            "depths": depth_hist,
            "mean_hidden_width": float(np.mean([np.mean(n.widths[1:-1] or [0]) for n in networks])),
            "imitators_exact": float(np.mean([r["exact"] for r in similarity if r["against"] == "trained"
                                              and r["layer"] == 1])),
            "interpreter": accuracy, "similarity": summary_similarity}


def _report(cfg, accuracy, similarity, summary, ctx) -> None:
    import numpy as np

    from speedprior import plotting

    fig, axes = plotting.subplots(1, 3, figsize=(14, 3.6))
    names = list(accuracy)
    axes[0].bar(np.arange(len(names)) - 0.2, [accuracy[n]["layer_exact"] for n in names], 0.4, label="whole level")
    axes[0].bar(np.arange(len(names)) + 0.2, [accuracy[n]["count_exact"] for n in names], 0.4, label="per type")
    axes[0].set_xticks(range(len(names)), [n.replace(" (", "\n(") for n in names], fontsize=7)
    axes[0].set_ylabel("interpreter accuracy")
    axes[0].set_ylim(0, 1)
    axes[0].legend(fontsize=8)
    axes[0].set_title("gate types per level from weights")
    for ax, key, title in ((axes[1], "cka", "linear CKA vs compiled"),
                           (axes[2], "r2_to_compiled", "affine fit R² (other → compiled)")):
        groups = ["scrambled", "trained", "untrained"]
        data = [[r[key] for r in similarity if r["against"] == g and (r["exact"] or g != "trained")] or [0.0]
                for g in groups]
        ax.boxplot(data)
        ax.set_xticks(range(1, len(groups) + 1), groups)
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(title)
    fig.tight_layout()
    ctx.save_figure(fig, "compiled_networks")
    lines = ["| networks | levels | whole level right | per-type count right |", "|---|---|---|---|"]
    lines += [f"| {n} | {a['layers']} | {a['layer_exact']:.3f} | {a['count_exact']:.3f} |" for n, a in accuracy.items()]
    ctx.section("Interpreter: gate types per level, trained on compiled networks", "\n".join(lines))
    lines = ["Trained: the imitators that compute the circuit exactly.", "",
             "| against compiled | linear CKA | R² other → compiled | R² compiled → other |", "|---|---|---|---|"]
    lines += [f"| {g} | {s['cka']:.3f} | {s['r2_to_compiled']:.3f} | {s['r2_from_compiled']:.3f} |"
              for g, s in summary.items()]
    ctx.section(f"Hidden-layer similarity on all {2 ** cfg.n_inputs} inputs (mean over layers of "
                f"{cfg.imitators} networks)", "\n".join(lines))


def _log_loss(ctx, imitator: str, step: int, loss: float) -> None:
    ctx.log(imitator=imitator, step=step, loss=loss)
