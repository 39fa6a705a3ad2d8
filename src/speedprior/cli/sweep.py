"""`speedprior sweep CONFIG`: run a sweep on a local process pool or a Ray cluster, resumably."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from speedprior.cli.output import console, print_json


def register(app: typer.Typer) -> None:
    """Add `sweep` and the `runs` commands to the top-level app."""
    from speedprior.cli import runs as _runs

    app.add_typer(_runs.app, name="runs")

    @app.command("sweep")
    def sweep(
        config: Path = typer.Argument(..., help="sweep config (TOML): [base] experiment, [grid] or [[points]], seeds"),
        out: Path = typer.Option(None, "--out", help="sweep directory (default runs/NAME)"),
        workers: int = typer.Option(None, "--workers", help="trials at once (default: every core)"),
        resume: bool = typer.Option(False, "--resume", help="continue the sweep in --out: run only unfinished trials"),
        backend: str = typer.Option("local", "--backend", help="local (a process pool) or ray"),
        address: str = typer.Option(None, "--address", help="Ray cluster address (default: start Ray locally)"),
        as_json: bool = typer.Option(False, "--json", help="print {trials, completed, failed, index, report}"),
    ) -> None:
        """Run every trial of a sweep (parameters × seeds); exit 1 if any trial failed after its retries."""
        from speedprior.sweeps import run_sweep

        try:
            result = run_sweep(config, out, workers=workers, resume=resume, backend=backend, address=address)
        except KeyboardInterrupt:  # handled here: main() would turn it into exit code 0
            print("speedprior: interrupted; finished trials are kept: run the same command with --resume",
                  file=sys.stderr)
            sys.exit(130)
        if as_json:
            print_json(result)
        else:
            console.print(f"{result['completed']} of {result['trials']} trials completed, {result['failed']} failed")
            console.print(f"[bold]index:[/bold] {result['index']}")
            console.print(f"[bold]report:[/bold] {result['report']}")
        if result["failed"]:
            sys.exit(1)  # not typer.Exit: main() runs click with standalone_mode=False, which drops its code
