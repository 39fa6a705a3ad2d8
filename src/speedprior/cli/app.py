"""The typer app: the command groups and the global --debug option. `speedprior.cli.main` runs it."""


from __future__ import annotations

import typer

from speedprior.cli import circuit as _circuit
from speedprior.cli import experiments as _experiments
from speedprior.cli import search as _search
from speedprior.cli import sweep as _sweep
from speedprior.cli import tm as _tm

app = typer.Typer(
    name="speedprior",
    help="A laboratory for speed priors: measure, search and train under compute penalties.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(_tm.app, name="tm")
app.add_typer(_circuit.app, name="circuit")
app.add_typer(_search.app, name="search")
_experiments.register(app)
_sweep.register(app)  # `sweep` and the `runs` sub-app

debug = False  # set by the global --debug option: show tracebacks of internal errors


@app.callback()
def _options(
    debug_option: bool = typer.Option(False, "--debug", help="on an internal error, print the full traceback"),
) -> None:
    """A laboratory for speed priors: measure, search and train under compute penalties."""
    global debug
    debug = debug_option
