"""The `speedprior` command line: a thin layer that parses, calls the library and prints.

Every command takes --json and then prints one JSON object on stdout. Bad input (a
SpeedpriorError, a usage error) prints one line on stderr and exits with code 2.
"""

from __future__ import annotations

import sys

import typer
from typer._click.exceptions import NoArgsIsHelpError

from speedprior.cli import circuit as _circuit
from speedprior.cli import experiments as _experiments
from speedprior.cli import search as _search
from speedprior.cli import sweep as _sweep
from speedprior.cli import tm as _tm
from speedprior.errors import SpeedpriorError

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
_sweep.register(app)  # `sweep` and the `runs` sub-app (speedprior.cli.sweep)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning user errors into one line on stderr and exit 2."""
    try:
        app(args=argv, prog_name="speedprior", standalone_mode=False)
    except typer.Exit as stop:
        sys.exit(stop.exit_code)
    except typer.Abort:
        sys.exit(130)
    except NoArgsIsHelpError as error:
        error.show()  # bare `speedprior` or `speedprior tm`: show help, not an error
        sys.exit(0)
    except typer.TyperException as error:  # usage errors: bad option, missing argument, ...
        _fail(error.format_message())
    except SpeedpriorError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{getattr(error, 'filename', '') or ''} {error.strerror or error}".strip())
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(0)


def _fail(message: str) -> None:
    first_line = " ".join(str(message).split())
    print(f"speedprior: error: {first_line}", file=sys.stderr)
    sys.exit(2)
