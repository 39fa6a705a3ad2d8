"""Training curves as TensorBoard events: from any run's metrics.jsonl, and per trial with `tensorboard = true`."""

import json

import pytest

from speedprior.results.tensorboard import scalars, write_tensorboard

LINES = [
    {"model": "pondernet", "iteration": 0, "loss": 2.0, "val_accuracy": 0.5},
    {"model": "pondernet", "iteration": 10, "loss": 1.0, "val_accuracy": 0.75},
    {"model": "act", "iteration": 0, "loss": 3.0, "mean_ponder": 1.5},
    {"prior": "max", "rate": 0.25, "ok": True, "ci": [0.1, 0.4]},
    {"prior": "max", "rate": 0.5},
]


def test_metrics_lines_become_tagged_scalars(tmp_path):
    path = tmp_path / "metrics.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in LINES) + "\n{\"cut short")
    rows = scalars(path)
    assert ("pondernet/loss", 1.0, 10) in rows and ("pondernet/val_accuracy", 0.75, 10) in rows
    assert ("act/mean_ponder", 1.5, 0) in rows
    assert [(t, s) for t, v, s in rows if t == "max/rate"] == [("max/rate", 0), ("max/rate", 1)]  # counted steps
    assert not [t for t, _, _ in rows if t.endswith(("/ok", "/ci", "/iteration"))]  # no flags, lists or steps


def test_events_read_back_in_tensorboard(tmp_path, cli):
    pytest.importorskip("tensorboard", reason="TensorBoard is not installed (pip install 'speedprior[tensorboard]')")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from tests.sweeps.helpers import synthetic_sweep

    root = synthetic_sweep(tmp_path / "sweep", widths=(1,), rates=(0.5,), seeds=range(2))
    trial = next((root / "trials").iterdir())
    (trial / "metrics.jsonl").write_text("\n".join(json.dumps(line) for line in LINES) + "\n")
    code, out, _ = cli("runs", "tensorboard", str(root), "--json")
    assert code == 0 and len(json.loads(out)["logdirs"]) == 2
    events = EventAccumulator(str(trial / "tensorboard"))
    events.Reload()
    assert set(events.Tags()["scalars"]) == {"pondernet/loss", "pondernet/val_accuracy", "act/loss",
                                             "act/mean_ponder", "max/rate"}
    assert [(e.step, e.value) for e in events.Scalars("pondernet/loss")] == [(0, 2.0), (10, 1.0)]


def test_a_training_experiment_logs_its_curve(tmp_path):
    pytest.importorskip("tensorboard", reason="TensorBoard is not installed (pip install 'speedprior[tensorboard]')")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from speedprior.experiments import load_config, run_experiment

    config = load_config({"kind": "growth", "widths": [2, 4], "depths": [1], "iterations": 30, "n_train": 500,
                          "n_val": 200})
    run_experiment(config, tmp_path / "run", quiet=True)
    logged = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    events = EventAccumulator(str(write_tensorboard(tmp_path / "run")))
    events.Reload()
    assert "accuracy" in events.Tags()["scalars"]
    assert [e.value for e in events.Scalars("accuracy")] == pytest.approx([line["accuracy"] for line in logged])


def test_a_sweep_with_tensorboard_writes_events_in_each_trial(tmp_path):
    pytest.importorskip("tensorboard", reason="TensorBoard is not installed (pip install 'speedprior[tensorboard]')")
    from speedprior.sweeps import run_sweep
    from tests.sweeps.helpers import TINY_SWEEP, write_sweep

    text = TINY_SWEEP.replace("budget = [60, 100000]", "budget = [100000]").replace("seeds = [0, 1, 2]", "seeds = 1")
    config = write_sweep(tmp_path, text.replace("retries = 1", "retries = 0\ntensorboard = true"))
    assert run_sweep(config, tmp_path / "s", workers=1, quiet=True)["completed"] == 1
    assert list((tmp_path / "s" / "trials").glob("*/tensorboard/events.out.tfevents.*"))
