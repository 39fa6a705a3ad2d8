"""What every experiment kind shares: the config base class and the run context.

An experiment kind is a module `speedprior.experiments.<kind>` holding a pydantic `Config`
(a subclass of `ExperimentConfig`) and `run(config, ctx) -> dict`, the summary. `ctx` is a
`RunContext`: the run directory, a progress bar, a metrics log, figures and report sections.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class ExperimentConfig(BaseModel):
    """Keys every config has; each kind adds its own. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    name: str | None = None
    seed: int = 0


@dataclass
class RunContext:
    """What an experiment may use while it runs: its directory, a progress bar, a report."""

    out_dir: Path
    quiet: bool = False
    report: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)

    def track(self, iterable: Iterable, total: int | None = None, description: str = "working"):
        """Iterate with a progress bar on stderr (silent when quiet)."""
        if self.quiet:
            yield from iterable
            return
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        console = Console(stderr=True)  # off a terminal rich ends a bar with a blank line: show none there
        with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
            yield from progress.track(iterable, total=total, description=description)

    def log(self, **metrics) -> None:
        """Append one JSON line to metrics.jsonl."""
        with open(self.out_dir / "metrics.jsonl", "a") as handle:
            handle.write(json.dumps(metrics, default=json_default) + "\n")

    def save_figure(self, figure, name: str) -> Path:
        """Save a matplotlib figure as NAME.png in the run directory and list it in the report."""

        path = self.out_dir / f"{name}.png"
        figure.savefig(path, dpi=120, bbox_inches="tight")
        self.figures.append(path.name)
        return path

    def section(self, title: str, body: str) -> None:
        """Add a markdown section to report.md."""
        self.report.append(f"## {title}\n\n{body.rstrip()}\n")



def json_default(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
