"""`speedprior run CONFIG` and `speedprior demo`."""

from __future__ import annotations

from pathlib import Path

import typer

from speedprior.cli.output import console, print_json

DEMO_CONFIG = "avg-vs-max.toml"


def _shipped_config(name: str) -> Path:
    return Path(__file__).resolve().parent.parent / "configs" / name


def _run(config_path: Path, out: Path | None, as_json: bool) -> dict:
    from speedprior.experiments import load_config, run_experiment

    config = load_config(config_path)
    summary = run_experiment(config, out, quiet=False)
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
    ) -> None:
        """Run an experiment config and write its run directory (config, summary, plots, report)."""
        _run(config, out, as_json)

    @app.command("demo")
    def demo(
        out: Path = typer.Option(None, "--out", help="run directory (default runs/NAME-TIMESTAMP)"),
        as_json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    ) -> None:
        """Run the main job: the shipped flagship config."""
        _run(_shipped_config(DEMO_CONFIG), out, as_json)
