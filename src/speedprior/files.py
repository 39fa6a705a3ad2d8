"""The one front door for files a user hands us: machines, tasks, circuits, configs.

`read_text` refuses, in one line naming the file, what is missing, a directory, too large,
binary (a NUL byte) or not UTF-8, before any of it is parsed; a name the file system cannot
take (too long, a NUL byte) and a file it cannot read are refused the same way.
"""

from __future__ import annotations

import errno
import stat
from pathlib import Path

from speedprior.errors import ParseError

MAX_TEXT_BYTES = 16 * 1024 * 1024  # larger inputs are refused before they are read


def read_text(path: str | Path, what: str = "file", max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The UTF-8 text of `path`, or a ParseError naming the file and what is wrong with it."""
    path = Path(path)
    shown = str(path) if len(str(path)) <= 120 else str(path)[:117] + "..."
    try:
        info = path.stat()
    except ValueError:  # an embedded NUL byte
        raise ParseError(f"{what} name {shown!r} holds a NUL byte") from None
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            raise ParseError(f"{what} not found: {shown}") from None
        raise ParseError(f"{what} {shown}: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ParseError(f"{what} {shown} is not a regular file")
    if info.st_size > max_bytes:
        raise ParseError(f"{what} {shown} is {info.st_size:,} bytes; the limit is {max_bytes:,}")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ParseError(f"{what} {shown}: {error.strerror or error}") from None
    if len(data) > max_bytes:  # it grew after the check
        raise ParseError(f"{what} {shown} is over {max_bytes:,} bytes")
    if b"\x00" in data:
        raise ParseError(f"{what} {shown} is not a text file (it holds NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(f"{what} {shown} is not UTF-8 text (byte {error.start})") from None
