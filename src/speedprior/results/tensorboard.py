"""Training curves in TensorBoard: every metrics.jsonl line as TensorBoard scalar events.

Every experiment logs its curves to metrics.jsonl (RunContext.log), one JSON object a line. Here
each line becomes scalars: its numbers are the values, its first step-like field (iteration, step,
epoch, phase, stage, n_rollouts) is the step, and its text fields name the curve (`model="act"`
gives tags `act/loss`, ...); a curve whose lines carry no step is counted 0, 1, 2, ...

Two ways in, with the same tags, values and steps: live, a `ScalarWriter` that `RunContext.log`
feeds as the run goes (`speedprior run --tensorboard`, or a sweep with `tensorboard = true`), or
afterwards, `write_tensorboard(RUN)` over a finished run's metrics.jsonl (`speedprior runs
tensorboard`). Events go to RUN/tensorboard, written by TensorBoard's own EventFileWriter (the
one torch's SummaryWriter wraps, without importing torch). Needs `speedprior[tensorboard]`.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from speedprior.errors import ConfigError
from speedprior.strict_json import read_json_lines

STEP_KEYS = ("iteration", "step", "epoch", "phase", "stage", "n_rollouts")
LOGDIR = "tensorboard"
FLUSH_SECONDS = 1.0  # the writer's own thread flushes at least this often; each logged line is flushed at once


class ScalarTagger:
    """Turns metrics lines into (tag, value, step), counting steps for curves whose lines carry none."""

    def __init__(self):
        self.counters: dict[str, int] = {}

    def scalars(self, record: dict) -> list[tuple[str, float, int]]:
        """(tag, value, step) for every finite number in one metrics line."""
        prefix = "/".join(v for v in record.values() if isinstance(v, str))  # also `phase="M"`: a name, not a step
        step_key = next((k for k in STEP_KEYS if _is_number(record.get(k))), None)
        if step_key is None:
            step = self.counters.get(prefix, 0)
            self.counters[prefix] = step + 1
        else:
            step = int(record[step_key])
        return [(f"{prefix}/{key}" if prefix else key, float(value), step)
                for key, value in record.items() if key != step_key and _is_number(value)]


def scalars(metrics_path: str | Path) -> list[tuple[str, float, int]]:
    """(tag, value, step) for every number in a metrics.jsonl file, in order."""
    tagger = ScalarTagger()
    return [row for record in metrics_lines(metrics_path) for row in tagger.scalars(record)]


def metrics_lines(metrics_path: str | Path) -> list[dict]:
    """The JSON objects of a metrics.jsonl file, skipping a line cut short by a crash."""
    return read_json_lines(metrics_path)


class ScalarWriter:
    """A TensorBoard event file in `logdir` that takes metrics lines as they are logged."""

    def __init__(self, logdir: str | Path):
        try:
            from tensorboard.summary.writer.event_file_writer import EventFileWriter
        except ImportError:
            raise ConfigError("TensorBoard logging needs TensorBoard: pip install 'speedprior[tensorboard]'") from None
        self.logdir = Path(logdir)
        self.tagger = ScalarTagger()
        self._writer = EventFileWriter(str(self.logdir), flush_secs=FLUSH_SECONDS)

    def write(self, record: dict, wall_time: float | None = None, flush: bool = True) -> None:
        """Add one metrics line's scalars; flushed to disk at once unless `flush` is False."""
        from tensorboard.compat.proto.event_pb2 import Event
        from tensorboard.compat.proto.summary_pb2 import Summary

        now = time.time() if wall_time is None else wall_time
        for tag, value, step in self.tagger.scalars(record):
            summary = Summary(value=[Summary.Value(tag=tag, simple_value=value)])
            self._writer.add_event(Event(wall_time=now, step=step, summary=summary))
        if flush:
            self._writer.flush()

    def close(self) -> None:
        """Flush what is pending and close the event file."""
        self._writer.close()


def write_tensorboard(run_dir: str | Path, logdir: str | Path | None = None) -> Path:
    """Write a finished run's metrics.jsonl as TensorBoard events in `logdir` (default RUN/tensorboard)."""
    run_dir = Path(run_dir)
    metrics = run_dir / "metrics.jsonl"
    if not metrics.is_file():
        raise ConfigError(f"{run_dir} is not a run directory (no metrics.jsonl)")
    writer = ScalarWriter(Path(logdir) if logdir is not None else run_dir / LOGDIR)
    try:
        now = time.time()
        for record in metrics_lines(metrics):
            writer.write(record, wall_time=now, flush=False)
    finally:
        writer.close()
    return writer.logdir


def tensorboard_available() -> bool:
    """Whether the TensorBoard writer can be imported."""
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        return False
    return True


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
