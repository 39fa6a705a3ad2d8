"""Numba settings in one place: every kernel in the package compiles with these flags and caches here.

cache=True keeps compiled kernels on disk so a CLI call does not recompile; nogil lets threads
(and prange) run kernels side by side.

Numba keys a cached kernel on the file that defines it alone, so a kernel that calls a kernel of
another module (and so compiles it in) would keep running the old code after only that other
module changed. The package therefore caches under a folder named by a digest of every module's
size and modification time (`speedprior/__pycache__/numba-<digest>`, or under NUMBA_CACHE_DIR
when that is set): any edit to the package starts a fresh cache, and the in-tree folders of
older sources are removed.
"""

import hashlib
import shutil
import tempfile
from pathlib import Path

import numba

JIT = dict(cache=True, nogil=True)
PARALLEL_JIT = dict(cache=True, nogil=True, parallel=True)


def _sources_digest(package: Path) -> str:
    """A digest of the path, size and modification time of every module in the package."""
    digest = hashlib.sha1()
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _use_cache_of_these_sources() -> None:
    package = Path(__file__).resolve().parent
    user_dir = numba.config.CACHE_DIR
    base = Path(user_dir) if user_dir else package / "__pycache__"
    folder = base / f"numba-{_sources_digest(package)}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return  # not writable: numba falls back to its own user-wide cache
    if not user_dir:  # a NUMBA_CACHE_DIR may be shared with other checkouts: leave their folders
        for old in base.glob("numba-*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    numba.config.CACHE_DIR = str(folder)


_use_cache_of_these_sources()
