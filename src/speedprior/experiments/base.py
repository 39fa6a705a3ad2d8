"""What every experiment kind shares: the config base class, its checked field types, the run context.

An experiment kind is a module `speedprior.experiments.<kind>` holding a pydantic `Config`
(a subclass of `ExperimentConfig`) and `run(config, ctx) -> dict`, the summary. `ctx` is a
`RunContext`: the run directory, a progress bar, a metrics log, figures and report sections.

A config that validates runs: every number is range-checked where it is declared (floats are
finite, seeds fit in 63 bits, sizes are positive, lists are non-empty) and every name it holds
is checked against the library's own registry, with the valid names in the message.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from speedprior.errors import SpeedpriorError
from speedprior.experiments.registry import KINDS
from speedprior.strict_json import dumps

SEED_LIMIT = 2**63  # seeds go to numpy and torch generators, which take 63-bit non-negative ints
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"  # a run's name becomes a directory under runs/

Seed = Annotated[int, Field(ge=0, lt=SEED_LIMIT)]
Positive = Annotated[int, Field(ge=1)]
NonNegative = Annotated[int, Field(ge=0)]
Probability = Annotated[float, Field(ge=0, le=1)]


def _known_prior(spec: str) -> str:
    """A prior name or mixture `get_prior` resolves, with finite positive weights."""
    from speedprior.priors import PRIORS, get_prior

    known = f"known: {', '.join(PRIORS)}, qQ (0 < Q <= 1), or mixtures like 'simplicity+0.5*average'"
    for term in str(spec).split("+"):
        weight, star, _ = term.rpartition("*")
        if not star:
            continue
        try:
            value = float(weight)
        except ValueError:
            raise ValueError(f"prior {spec!r}: weight {weight.strip()!r} is not a number; {known}") from None
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"prior {spec!r}: weight {weight.strip()!r} must be finite and > 0")
    try:
        get_prior(spec)
    except SpeedpriorError:
        raise
    except (ValueError, TypeError) as error:  # e.g. q-quantiles out of range
        raise ValueError(f"prior {spec!r}: {error}; {known}") from None
    return spec


def _known_machine(spec: str) -> str:
    """A library machine name, a machine file or a Standard string that `load_machine` reads."""
    from speedprior.tm.library import load_machine

    try:
        load_machine(spec)
    except OSError as error:  # e.g. a Standard string too long to be tried as a file name
        raise ValueError(f"machine {spec[:40]!r}: {error.strerror or error}") from None
    return spec


def _known_task(spec: str) -> str:
    """A shipped task name or a task TOML file that `load_task` reads."""
    from speedprior.search.task import load_task

    try:
        load_task(spec)
    except OSError as error:
        raise ValueError(f"task {spec[:40]!r}: {error.strerror or error}") from None
    return spec


# bounded lengths keep error messages, which quote the value, to one readable line
PriorName = Annotated[str, Field(max_length=200), AfterValidator(_known_prior)]
MachineSpec = Annotated[str, Field(max_length=4096), AfterValidator(_known_machine)]
TaskSpec = Annotated[str, Field(max_length=1024), AfterValidator(_known_task)]
# the checks that make a str field a registry name (speedprior.testing finds name fields by them)
NAME_VALIDATORS = frozenset({_known_prior, _known_machine, _known_task})


class ExperimentConfig(BaseModel):
    """Keys every config has; each kind adds its own. Unknown keys, NaN and infinities are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    kind: str
    name: str | None = Field(None, pattern=NAME_PATTERN)  # letters, digits, '.', '_', '-': stays under runs/
    seed: Seed = 0

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"unknown experiment kind {value!r}; known kinds: {', '.join(sorted(KINDS))}")
        return value


@dataclass
class RunContext:
    """What an experiment may use while it runs: its directory, a progress bar, a metrics log, a report.

    `tensorboard`, when set (a `results.tensorboard.ScalarWriter`), also gets every logged line at
    once, so TensorBoard shows the curves while the run trains.
    """

    out_dir: Path
    quiet: bool = False
    report: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    tensorboard: object | None = None

    def track(self, iterable: Iterable, total: int | None = None, description: str = "working"):
        """Iterate with a progress bar on stderr (silent when quiet)."""
        if self.quiet:
            yield from iterable
            return
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        console = Console(stderr=True)  # off a terminal rich ends a bar with a blank line: show none there
        with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
            yield from progress.track(iterable, total=total, description=description)

    def track_curves(self, results: Iterable, total: int | None = None, description: str = "working",
                     key: str = "training_curves"):
        """`track` over results that arrive from worker processes, logging each one's curves as it arrives.

        A result (a dict, or a list of dicts) may carry `key`: {label: rows}, a training curve per
        model it trained; it is removed from the result and each row logged with `model=label`.
        """
        for result in self.track(results, total=total, description=description):
            for item in result if isinstance(result, list) else [result]:
                for label, rows in item.pop(key, {}).items():
                    self.log_curve(rows, model=label)
            yield result

    def log(self, **metrics) -> None:
        """Append one JSON line to metrics.jsonl (and its numbers to TensorBoard when asked for)."""
        line = dumps(metrics)
        with open(self.out_dir / "metrics.jsonl", "a") as handle:
            handle.write(line + "\n")
        if self.tensorboard is not None:
            self.tensorboard.write(json.loads(line))  # the very values metrics.jsonl holds

    def log_curve(self, rows: Iterable[dict], **labels) -> None:
        """Log a curve recorded elsewhere (e.g. in a worker process), one line a row, `labels` added to each."""
        for row in rows:
            self.log(**labels, **row)

    def save_figure(self, figure, name: str) -> Path:
        """Save a matplotlib figure as NAME.png in the run directory and list it in the report."""
        if not re.fullmatch(NAME_PATTERN, name):
            raise ValueError(f"figure name {name!r} is not a plain file name")
        path = self.out_dir / f"{name}.png"
        figure.savefig(path, dpi=120, bbox_inches="tight")
        self.figures.append(path.name)
        return path

    def section(self, title: str, body: str) -> None:
        """Add a markdown section to report.md."""
        self.report.append(f"## {title}\n\n{body.rstrip()}\n")
