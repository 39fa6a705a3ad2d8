"""The `speedprior` command line: a thin layer that parses, calls the library and prints.

Every command takes --json and then prints one strict JSON object on stdout.

Exit codes (each failure is one line on stderr):
    0    success
    1    internal error: `speedprior: internal error: TYPE: message` (traceback with --debug)
    2    bad input: `speedprior: error: ...` (a SpeedpriorError, a usage error, an OS error on a file)
    130  interrupted (Ctrl-C / SIGINT): `speedprior: interrupted`
"""

from __future__ import annotations

import sys
import traceback

import typer
from typer._click.exceptions import NoArgsIsHelpError

from speedprior.cli import circuit as _circuit
from speedprior.cli import experiments as _experiments
from speedprior.cli import search as _search
from speedprior.cli import tm as _tm
from speedprior.errors import SpeedpriorError

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

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

_debug = False  # set by the global --debug option: show tracebacks of internal errors


@app.callback()
def _options(
    debug: bool = typer.Option(False, "--debug", help="on an internal error, print the full traceback"),
) -> None:
    """A laboratory for speed priors: measure, search and train under compute penalties."""
    global _debug
    _debug = debug


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and exit with 0, 1 (internal error), 2 (bad input) or 130 (interrupt)."""
    global _debug
    _debug = False
    try:
        # In non-standalone mode typer *returns* the code of a typer.Exit instead of exiting, and
        # turns KeyboardInterrupt into Exit(130): the returned code is the command's exit status.
        code = app(args=argv, prog_name="speedprior", standalone_mode=False)
    except typer.Exit as stop:
        code = stop.exit_code
    except (typer.Abort, KeyboardInterrupt):
        code = EXIT_INTERRUPTED
    except NoArgsIsHelpError as error:
        error.show()  # bare `speedprior` or `speedprior tm`: show help, not an error
        sys.exit(EXIT_OK)
    except typer.TyperException as error:  # usage errors: bad option, missing argument, ...
        _fail(error.format_message())
    except SpeedpriorError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{getattr(error, 'filename', '') or ''} {error.strerror or error}".strip())
    except Exception as error:  # a bug: one line, and the traceback only when asked for
        if _debug:
            traceback.print_exc()
        _say(f"internal error: {type(error).__name__}: {error}"
             + ("" if _debug else " (run with --debug for the traceback)"))
        sys.exit(EXIT_INTERNAL)
    code = code if isinstance(code, int) and not isinstance(code, bool) else EXIT_OK
    if code == EXIT_INTERRUPTED:
        _say("interrupted")
    sys.exit(code)


def _say(message: str) -> None:
    # One line: a multi-line message (a pydantic report, an OS error) is folded onto it.
    print(f"speedprior: {' '.join(str(message).split())}", file=sys.stderr, flush=True)


def _fail(message: str) -> None:
    _say(f"error: {message}")
    sys.exit(EXIT_BAD_INPUT)
