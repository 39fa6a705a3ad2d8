"""The `speedprior` command line: a thin layer that parses, calls the library and prints.

Every command takes --json and then prints one strict JSON object on stdout.

Exit codes (each failure is one line on stderr):
    0    success
    1    internal error: `speedprior: internal error: TYPE: message` (traceback with --debug)
    2    bad input: `speedprior: error: ...` (a SpeedpriorError, a usage error, an OS error on a file)
    130  interrupted (Ctrl-C / SIGINT): `speedprior: interrupted`
"""

from __future__ import annotations

import os
import signal
import sys

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and exit with 0, 1 (internal error), 2 (bad input) or 130 (interrupt)."""
    default_hook = sys.unraisablehook
    sys.unraisablehook = _note_swallowed_interrupt
    try:
        code = _run(argv)  # imports inside, so a Ctrl-C while they load is an interrupt too
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    finally:
        sys.unraisablehook = default_hook
    code = code if isinstance(code, int) and not isinstance(code, bool) else EXIT_OK
    if _swallowed_interrupt:
        code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED:
        _say("interrupted")
    if argv is None:  # a real command line, not a call from Python
        # Exit now with this code: a Ctrl-C landing while the interpreter shuts down (in a library's
        # finalizer, say) would otherwise turn a finished command into a traceback or exit by signal.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _run(argv: list[str] | None) -> int | None:
    import traceback

    import typer
    from typer._click.exceptions import NoArgsIsHelpError

    from speedprior.cli import app as _app
    from speedprior.errors import SpeedpriorError

    _app.debug = False
    try:
        # In non-standalone mode typer *returns* the code of a typer.Exit instead of exiting, and
        # turns KeyboardInterrupt into Exit(130): the returned code is the command's exit status.
        return _app.app(args=argv, prog_name="speedprior", standalone_mode=False)
    except typer.Exit as stop:
        return stop.exit_code
    except (typer.Abort, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    except NoArgsIsHelpError as error:
        error.show()  # bare `speedprior` or `speedprior tm`: show help, not an error
        return EXIT_OK
    except typer.TyperException as error:  # usage errors: bad option, missing argument, ...
        _fail(error.format_message())
    except SpeedpriorError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"{getattr(error, 'filename', '') or ''} {error.strerror or error}".strip())
    except Exception as error:  # a bug: one line, and the traceback only when asked for
        if _caused_by_interrupt(error):  # a library (numba loading, say) wrapped the Ctrl-C in its own error
            return EXIT_INTERRUPTED
        if _app.debug:
            traceback.print_exc()
        _say(f"internal error: {type(error).__name__}: {error}"
             + ("" if _app.debug else " (run with --debug for the traceback)"))
        sys.exit(EXIT_INTERNAL)
    return EXIT_OK


_swallowed_interrupt = False


def _note_swallowed_interrupt(unraisable) -> None:
    """sys.unraisablehook: a Ctrl-C raised inside a C callback (numba loading a kernel) is an interrupt.

    Python cannot raise it there, so it reports it and goes on; without this the command would
    print "Exception ignored ..." and run to the end (or, for a long kernel, on and on).
    """
    global _swallowed_interrupt
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)
        return
    _swallowed_interrupt = True
    from speedprior.tm import _interrupt  # (already loaded when numba is loading kernels)

    _interrupt.requested.set()


def _caused_by_interrupt(error: BaseException) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _say(message: str) -> None:
    # One line: a multi-line message (a pydantic report, an OS error) is folded onto it.
    print(f"speedprior: {' '.join(str(message).split())}", file=sys.stderr, flush=True)


def _fail(message: str) -> None:
    _say(f"error: {message}")
    sys.exit(EXIT_BAD_INPUT)
