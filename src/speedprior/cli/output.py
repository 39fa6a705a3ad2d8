"""Output helpers shared by the commands: strict JSON on stdout, or rich text for people.

JSON (`print_json`, `dumps`) is strict RFC 8259 JSON that any parser reads: NumPy scalars and
arrays become plain numbers and lists, NaN becomes null, +inf and -inf become the strings
"Infinity" and "-Infinity" (Python's float() reads them back), paths become strings.
Human output goes through rich; anything that came from the user (machine names, inputs, file
names) is passed through `escape` so that text like `[/bold]` is printed, not interpreted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from speedprior.strict_json import dumps, to_jsonable

console = Console()
err_console = Console(stderr=True)

__all__ = ["console", "dumps", "err_console", "escape", "print_json", "print_table", "progress", "to_jsonable"]


def print_json(obj) -> None:
    """One strict JSON object on stdout."""
    print(dumps(obj), flush=True)


def print_table(rows: Sequence[dict], title: str | None = None, columns: Sequence[str] | None = None) -> None:
    """A rich table of dict rows (cells and title are printed literally, never as markup)."""
    if not rows:
        console.print("(no rows)")
        return
    columns = list(columns or rows[0].keys())
    table = Table(title=escape(title) if title else None)
    for column in columns:
        table.add_column(escape(str(column)), justify="right")
    for row in rows:
        table.add_row(*[escape(_fmt(row.get(column))) for column in columns])
    console.print(table)


def progress(items, description: str, total: int | None = None):
    """Iterate over `items` with a transient progress bar on stderr, shown only on a terminal.

    Off a terminal rich's bar prints a blank line when it stops, which would precede an error
    line; so a log file or a pipe gets nothing.
    """
    from rich.progress import track

    return track(items, description=description, total=total, console=err_console, transient=True,
                 disable=not err_console.is_terminal)


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:,.2f}" if not value.is_integer() else f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
