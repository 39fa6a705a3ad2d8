"""`speedprior run CONFIG` and `speedprior demo`.

A config is validated completely (every key, name and number) before its run directory is
created; a bad one prints one line and exits 2. `--out` onto a non-empty directory is refused.
`--tensorboard` also writes every logged metric as TensorBoard scalars while the run trains: how a
run is watched is a choice of the command, not part of the experiment, so it is a flag, not a
config key (a sweep sets it once for all its trials with `tensorboard = true`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import typer

from speedprior import packaged
from speedprior.cli.output import console, print_json

DEMO_CONFIG = "avg-vs-max"


def _run(config_source: Path | dict, out: Path | None, as_json: bool, tensorboard: bool = False) -> dict:
    from speedprior.experiments import run_config

    # validates fully (and checks TensorBoard is installed) before creating the run directory
    summary = run_config(config_source, out, quiet=False, tensorboard=tensorboard)
    if as_json:
        print_json(summary)
    else:
        from rich.markdown import Markdown

        report = Path(summary["run_dir"]) / "report.md"
        console.print(Markdown(report.read_text()))
        console.print(f"[bold]run directory:[/bold] {summary['run_dir']}")
    return summary


def register(app: typer.Typer) -> None:
    """Add `run` and `demo` to the top-level app."""

    @app.command("run")
    def run(
        config: Path = typer.Argument(..., help="experiment config (TOML)"),
        out: Path = typer.Option(None, "--out", help="run directory (default runs/NAME-TIMESTAMP)"),
        as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
        tensorboard: bool = typer.Option(False, "--tensorboard",
                                         help="also log the curves live as TensorBoard events in RUN/tensorboard"),
    ) -> None:
        """Run an experiment config and write its run directory (config, summary, plots, report)."""
        _run(config, out, as_json, tensorboard)

    @app.command("demo")
    def demo(
        out: Path = typer.Option(None, "--out", help="run directory (default runs/NAME-TIMESTAMP)"),
        as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    ) -> None:
        """Run the main job: the shipped flagship config."""
        _run(tomllib.loads(packaged.read("config", DEMO_CONFIG)), out, as_json)
