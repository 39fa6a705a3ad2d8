"""The sweep journal: an append-only log of what the driver did (journal.jsonl), one JSON object a line.

It is the history, not the truth: a trial is complete when its directory exists. Each event is
written with one `write` on an O_APPEND descriptor and fsynced; a line cut short by a kill is
skipped when read back, and the next writer starts on a fresh line.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from speedprior.strict_json import read_json_lines

JOURNAL = "journal.jsonl"


class Journal:
    """Append events to `<sweep>/journal.jsonl`."""

    def __init__(self, root: Path):
        self.path = Path(root) / JOURNAL
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if self.path.stat().st_size:
            with open(self.path, "rb") as handle:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":  # the previous writer was killed mid-line
                    os.write(self._fd, b"\n")

    def append(self, event: str, **fields) -> None:
        """Write one event (with the time) durably."""
        line = json.dumps({"event": event, "time": round(time.time(), 3), **fields}) + "\n"
        os.write(self._fd, line.encode())
        os.fsync(self._fd)

    def close(self) -> None:
        """Close the journal file."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def read_journal(root: Path) -> list[dict]:
    """Every whole event in `<sweep>/journal.jsonl`, oldest first (a cut-off line is skipped)."""
    path = Path(root) / JOURNAL
    if not path.is_file():
        return []
    return read_json_lines(path)
