"""The one front door for files a user hands us: machines, tasks, circuits, configs.

`read_text` refuses, in one line naming the file, what is missing, a directory, too large,
binary (a NUL byte) or not UTF-8, before any of it is parsed.
"""

from __future__ import annotations

from pathlib import Path

from speedprior.errors import ParseError

MAX_TEXT_BYTES = 16 * 1024 * 1024  # larger inputs are refused before they are read


def read_text(path: str | Path, what: str = "file", max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The UTF-8 text of `path`, or a ParseError naming the file and what is wrong with it."""
    path = Path(path)
    if not path.exists():
        raise ParseError(f"{what} not found: {path}")
    if not path.is_file():
        raise ParseError(f"{what} {path} is not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise ParseError(f"{what} {path} is {size:,} bytes; the limit is {max_bytes:,}")
    data = path.read_bytes()
    if b"\x00" in data:
        raise ParseError(f"{what} {path} is not a text file (it holds NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(f"{what} {path} is not UTF-8 text (byte {error.start})") from None
