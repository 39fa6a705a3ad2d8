"""Training curves in TensorBoard: a run's metrics.jsonl written as TensorBoard scalar events.

Every experiment logs its curves to metrics.jsonl (RunContext.log), one JSON object a line. Here
each line becomes scalars: its numbers are the values, its first step-like field (iteration, step,
epoch, phase, stage, n_rollouts) is the step, and its text fields name the curve (`model="act"`
gives tags `act/loss`, ...). The events are written after the run, from the directory, so any
finished run (or every trial of a sweep with `tensorboard = true`) can be opened with
`tensorboard --logdir DIR`. Needs the optional extra `speedprior[tensorboard]`.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

from speedprior.errors import ConfigError

STEP_KEYS = ("iteration", "step", "epoch", "phase", "stage", "n_rollouts")
LOGDIR = "tensorboard"


def scalars(metrics_path: str | Path) -> list[tuple[str, float, int]]:
    """(tag, value, step) for every number in a metrics.jsonl file, in order."""
    rows, counters = [], {}
    for line in Path(metrics_path).read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a crash
        if not isinstance(record, dict):
            continue
        prefix = "/".join(str(v) for k, v in record.items() if isinstance(v, str) and k not in STEP_KEYS)
        step_key = next((k for k in STEP_KEYS if _is_number(record.get(k))), None)
        if step_key is None:
            step = counters.get(prefix, 0)
            counters[prefix] = step + 1
        else:
            step = int(record[step_key])
        for key, value in record.items():
            if key != step_key and _is_number(value):
                rows.append((f"{prefix}/{key}" if prefix else key, float(value), step))
    return rows


def write_tensorboard(run_dir: str | Path, logdir: str | Path | None = None) -> Path:
    """Write the run's metrics.jsonl as TensorBoard events in `logdir` (default RUN/tensorboard)."""
    run_dir = Path(run_dir)
    metrics = run_dir / "metrics.jsonl"
    if not metrics.is_file():
        raise ConfigError(f"{run_dir} is not a run directory (no metrics.jsonl)")
    try:  # TensorBoard's own event writer (the one torch's SummaryWriter wraps), without importing torch
        from tensorboard.compat.proto.event_pb2 import Event
        from tensorboard.compat.proto.summary_pb2 import Summary
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError:
        raise ConfigError("TensorBoard logging needs TensorBoard: pip install 'speedprior[tensorboard]'") from None
    logdir = Path(logdir) if logdir is not None else run_dir / LOGDIR
    writer = EventFileWriter(str(logdir))
    try:
        now = time.time()
        for tag, value, step in scalars(metrics):
            summary = Summary(value=[Summary.Value(tag=tag, simple_value=value)])
            writer.add_event(Event(wall_time=now, step=step, summary=summary))
    finally:
        writer.close()
    return logdir


def tensorboard_available() -> bool:
    """Whether the TensorBoard writer can be imported."""
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        return False
    return True


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
