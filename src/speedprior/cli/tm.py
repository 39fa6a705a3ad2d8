"""`speedprior tm ...`: run Turing machines and measure their steps."""

from __future__ import annotations

import typer

app = typer.Typer(help="Turing machines: run, measure steps, enumerate.", no_args_is_help=True)
