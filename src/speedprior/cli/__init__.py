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


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning user errors into one line on stderr and exit 2."""
    try:
        # Outside standalone mode typer turns Ctrl-C into Exit(130) and *returns* that code,
        # so the status must be taken from the return value, not only from exceptions.
        status = app(args=argv, prog_name="speedprior", standalone_mode=False)
        if status == 130:
            _interrupted()
        if type(status) is int and status != 0:  # an explicit typer.Exit(code) inside a command
            sys.exit(status)
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
        _interrupted()
    sys.exit(0)


def _interrupted() -> None:
    print("speedprior: interrupted", file=sys.stderr)
    sys.exit(130)


def _fail(message: str) -> None:
    first_line = " ".join(str(message).split())
    print(f"speedprior: error: {first_line}", file=sys.stderr)
    sys.exit(2)
