"""Writes that a crash cannot leave half done, and a lock that keeps a second driver out of a folder.

A write goes to a temporary file in the same folder, then a rename: a reader (or a resumed sweep
or enumeration) sees either the old file or the whole new one, never a prefix, even if the
writer is killed with SIGKILL between any two instructions. `exclusive` holds a folder's lock
file while a driver writes there; the kernel releases it when the driver exits, even on SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from speedprior.errors import ConfigError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()  # what open() would give a new file; mkstemp alone gives 0600


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file, fsync and rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return path


def is_temporary(path: Path) -> bool:
    """Whether `path` is the temporary file of an atomic write (left behind if its writer was killed)."""
    return path.name.startswith(".") and path.name.endswith(".tmp")


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 `text` to `path` atomically."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def fsync_dir(path: str | Path) -> None:
    """Make a rename or a new entry in the folder `path` durable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a directory; the rename is still atomic
    finally:
        os.close(fd)


@contextmanager
def exclusive(folder: Path, lock_name: str, busy: str) -> Iterator[None]:
    """Hold `folder`/`lock_name` (the folder is made if missing); ConfigError(`busy`) if another process holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / lock_name, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(busy) from None
        yield
