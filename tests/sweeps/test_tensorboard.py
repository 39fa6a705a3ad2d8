"""Training curves as TensorBoard events: live while a run trains, and afterwards from any run's metrics.jsonl."""

import json

import numpy as np
import pytest

from speedprior.errors import ConfigError
from speedprior.experiments import RunContext, load_config, run_experiment
from speedprior.results.tensorboard import scalars
from tests.testing.test_experiments_contract import tiny

NO_TENSORBOARD = "TensorBoard is not installed (pip install 'speedprior[tensorboard]')"
LINES = [
    {"model": "pondernet", "iteration": 0, "loss": 2.0, "val_accuracy": 0.5},
    {"model": "pondernet", "iteration": 10, "loss": 1.0, "val_accuracy": 0.75},
    {"model": "act", "iteration": 0, "loss": 3.0, "mean_ponder": 1.5},
    {"prior": "max", "rate": 0.25, "ok": True, "ci": [0.1, 0.4]},
    {"prior": "max", "rate": 0.5},
    {"phase": "M", "step": 5, "loss": 0.5},  # a text field named like a step names the curve
]
# Each kind that trains, with a tag its tiny run must log as a curve (at two or more steps where
# the tiny run evaluates more than once); the tiny configs are the contract test's. pondernet (and
# parity-extrapolation, the same module) is run by test_run_tensorboard_flag; elicitation and
# fragility train their base model with the same logged curve every 100 steps, more than a tiny run takes.
TRAINING_CURVES = {
    "growth": "width2-depth1/loss",
    "fixed-rollouts": "rollouts1/val_accuracy",
    "early-exit": "train_loss",
    "maze-cheese": "region1-max-0.5-seed3/losses/policy",
    "maze-backdoor": "bits1-planting-seed3/losses/value",
    "maze-absent-supervisor": "bits2-average-0.5-seed3/charts/mean_compute",
    "compiled-networks": "circuit12-attempt0/loss",
    "sae-attribution": "SAE/reconstruction_loss",
    "capability-decay": "D/decay/kept",
    "myopia": "pair-count/myopic/held_loss",
    "retrodiction": "forward/loss",
    "shared-sae": "baseline/lm_loss",
}


def read_events(logdir) -> dict[str, list[tuple[int, float]]]:
    """Tag -> [(step, value)] as TensorBoard itself reads the event files in `logdir`."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(logdir), size_guidance={"scalars": 0})  # 0: keep every event
    events.Reload()
    return {tag: [(e.step, e.value) for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]}


def expected_events(metrics_path) -> dict[str, list[tuple[int, float]]]:
    """Tag -> [(step, value)] from metrics.jsonl, values rounded to float32 as TensorBoard stores them."""
    out: dict[str, list] = {}
    for tag, value, step in scalars(metrics_path):
        out.setdefault(tag, []).append((step, float(np.float32(value))))
    return out


def test_metrics_lines_become_tagged_scalars(tmp_path):
    path = tmp_path / "metrics.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in LINES) + "\n{\"cut short")
    rows = scalars(path)
    assert ("pondernet/loss", 1.0, 10) in rows and ("pondernet/val_accuracy", 0.75, 10) in rows
    assert ("act/mean_ponder", 1.5, 0) in rows and ("M/loss", 0.5, 5) in rows
    assert [(t, s) for t, v, s in rows if t == "max/rate"] == [("max/rate", 0), ("max/rate", 1)]  # counted steps
    assert not [t for t, _, _ in rows if t.endswith(("/ok", "/ci", "/iteration", "/step"))]  # no flags, lists or steps


def test_events_read_back_in_tensorboard(tmp_path, cli):
    pytest.importorskip("tensorboard", reason=NO_TENSORBOARD)
    from tests.sweeps.helpers import synthetic_sweep

    root = synthetic_sweep(tmp_path / "sweep", widths=(1,), rates=(0.5,), seeds=range(2))
    trial = next((root / "trials").iterdir())
    (trial / "metrics.jsonl").write_text("\n".join(json.dumps(line) for line in LINES) + "\n")
    code, out, _ = cli("runs", "tensorboard", str(root), "--json")
    assert code == 0 and len(json.loads(out)["logdirs"]) == 2
    events = read_events(trial / "tensorboard")
    assert set(events) == {"pondernet/loss", "pondernet/val_accuracy", "act/loss", "act/mean_ponder", "max/rate",
                           "M/loss"}
    assert events["pondernet/loss"] == [(0, 2.0), (10, 1.0)]


def test_a_training_run_writes_its_curve_live(tmp_path, monkeypatch):
    """Every logged line is in the event file the moment it is logged, before the run ends."""
    pytest.importorskip("tensorboard", reason=NO_TENSORBOARD)
    run_dir, seen = tmp_path / "run", []
    log = RunContext.log

    def log_then_read(ctx, **metrics):
        log(ctx, **metrics)
        if "loss" in metrics and not seen:  # the first point of the first curve
            seen.append((metrics, read_events(run_dir / "tensorboard"), (run_dir / "summary.json").exists()))

    monkeypatch.setattr(RunContext, "log", log_then_read)
    config = load_config({"kind": "growth", "widths": [2, 4], "depths": [1], "iterations": 30, "eval_every": 10,
                          "n_train": 500, "n_val": 200})
    run_experiment(config, run_dir, quiet=True, tensorboard=True)
    first, events_then, finished_then = seen[0]
    assert not finished_then
    assert events_then == {f"{first['model']}/loss": [(first["iteration"], float(np.float32(first["loss"])))],
                           f"{first['model']}/val_accuracy": [(first["iteration"],
                                                               float(np.float32(first["val_accuracy"])))]}
    events = read_events(run_dir / "tensorboard")
    assert events == expected_events(run_dir / "metrics.jsonl")
    assert [step for step, _ in events["width2-depth1/loss"]] == [10, 20, 30]
    assert len(list((run_dir / "tensorboard").iterdir())) == 1  # one event file


@pytest.mark.parametrize("kind", sorted(TRAINING_CURVES))
def test_every_training_kind_logs_its_curve_to_tensorboard(kind, tmp_path):
    pytest.importorskip("tensorboard", reason=NO_TENSORBOARD)
    run_experiment(load_config(tiny(kind)), tmp_path / "run", quiet=True, tensorboard=True)
    events = read_events(tmp_path / "run" / "tensorboard")
    assert events == expected_events(tmp_path / "run" / "metrics.jsonl")
    assert TRAINING_CURVES[kind] in events, sorted(events)
    if kind in ("growth", "fixed-rollouts", "sae-attribution", "capability-decay", "myopia"):
        assert len(events[TRAINING_CURVES[kind]]) >= 2


def test_a_failed_run_keeps_the_curve_it_logged(tmp_path, monkeypatch):
    pytest.importorskip("tensorboard", reason=NO_TENSORBOARD)
    from speedprior.experiments import growth

    def logs_then_fails(cfg, ctx):
        ctx.log(step=1, loss=0.5)
        raise RuntimeError("diverged")

    monkeypatch.setattr(growth, "run", logs_then_fails)
    with pytest.raises(RuntimeError):
        run_experiment(load_config({"kind": "growth"}), tmp_path / "run", quiet=True, tensorboard=True)
    assert (tmp_path / "run" / "FAILED").is_file()
    assert read_events(tmp_path / "run" / "tensorboard") == {"loss": [(1, 0.5)]}


def test_run_tensorboard_flag(tmp_path, cli):
    pytest.importorskip("tensorboard", reason=NO_TENSORBOARD)
    config = tmp_path / "c.toml"
    config.write_text("kind = 'pondernet'\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in tiny("pondernet").items()
                                                        if k != "kind"))
    code, out, err = cli("run", str(config), "--tensorboard", "--json", "--out", str(tmp_path / "run"))
    assert code == 0, err
    assert read_events(tmp_path / "run" / "tensorboard") == expected_events(tmp_path / "run" / "metrics.jsonl")
    code, _, _ = cli("run", str(config), "--json", "--out", str(tmp_path / "plain"))
    assert code == 0 and not (tmp_path / "plain" / "tensorboard").exists()  # off unless asked for


def test_without_tensorboard_the_flag_is_refused_before_the_run_starts(tmp_path, cli, monkeypatch):
    from speedprior.experiments import runner

    monkeypatch.setattr(runner, "tensorboard_available", lambda: False)
    with pytest.raises(ConfigError, match=r"pip install 'speedprior\[tensorboard\]'"):
        run_experiment(load_config(tiny("pondernet")), tmp_path / "run", quiet=True, tensorboard=True)
    assert not (tmp_path / "run").exists()
    config = tmp_path / "c.toml"
    config.write_text("kind = 'growth'\n")
    code, out, err = cli("run", str(config), "--tensorboard", "--out", str(tmp_path / "run"))
    assert code == 2 and err.startswith("speedprior: error: TensorBoard logging needs TensorBoard")
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "run").exists()


def test_a_sweep_with_tensorboard_writes_events_in_each_trial(tmp_path):
    pytest.importorskip("tensorboard", reason=NO_TENSORBOARD)
    from speedprior.sweeps import run_sweep
    from tests.sweeps.helpers import TINY_SWEEP, write_sweep

    text = TINY_SWEEP.replace("budget = [60, 100000]", "budget = [100000]").replace("seeds = [0, 1, 2]", "seeds = 1")
    config = write_sweep(tmp_path, text.replace("retries = 1", "retries = 0\ntensorboard = true"))
    assert run_sweep(config, tmp_path / "s", workers=1, quiet=True)["completed"] == 1
    (trial,) = (tmp_path / "s" / "trials").glob("*/tensorboard")
    assert read_events(trial) == expected_events(trial.parent / "metrics.jsonl")
