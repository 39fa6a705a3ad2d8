"""Output helpers shared by the commands: JSON on stdout, or a rich table for people."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

console = Console()


def to_jsonable(value):
    """NumPy scalars and arrays to plain Python; NaN to None."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def print_json(obj) -> None:
    """One JSON object on stdout."""
    print(json.dumps(to_jsonable(obj)))


def print_table(rows: Sequence[dict], title: str | None = None, columns: Sequence[str] | None = None) -> None:
    """A rich table of dict rows."""
    if not rows:
        console.print("(no rows)")
        return
    columns = list(columns or rows[0].keys())
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*[_fmt(row.get(column)) for column in columns])
    console.print(table)


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if not value.is_integer() else f"{int(value):,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
