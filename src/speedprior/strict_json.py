"""Strict JSON for everything the lab writes: CLI output, summary.json, metrics.jsonl; and reading JSON lines back.

Strict RFC 8259 JSON that any parser reads: NumPy scalars and arrays become plain numbers and
lists, NaN becomes null, +inf and -inf become the strings "Infinity" and "-Infinity" (Python's
float() reads them back), paths become strings.
"""

from __future__ import annotations

import json
import math
from pathlib import Path, PurePath


def to_jsonable(value):
    """NumPy scalars and arrays to plain Python; NaN to None; infinities to "Infinity"/"-Infinity"."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def dumps(obj, **kwargs) -> str:
    """Strict JSON text of `obj` (see the module docstring for how non-finite numbers are written)."""
    return json.dumps(to_jsonable(obj), allow_nan=False, **kwargs)


def read_json_lines(path: str | Path) -> list[dict]:
    """The JSON objects of a .jsonl file, in order, skipping a line a crash cut short (or that is not an object)."""
    records = []
    for line in Path(path).read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records
