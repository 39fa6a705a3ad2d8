"""Compiled kernels are cached per version of the package's sources, not per defining file."""

import os
import subprocess
import sys
from pathlib import Path

import numba

import speedprior
from speedprior import _numba

PACKAGE = Path(speedprior.__file__).resolve().parent


def test_kernels_cache_in_a_folder_named_by_the_sources():
    folder = Path(numba.config.CACHE_DIR)
    assert folder.name == f"numba-{_numba._sources_digest(PACKAGE)}"
    assert folder.is_dir()


def test_editing_any_module_changes_the_cache_folder(tmp_path):
    # A copy of the package: touching one module (as an edit would) must give another digest, so a
    # kernel compiled against the old code of a module it calls is never loaded again.
    copy = tmp_path / "speedprior"
    (copy / "tm").mkdir(parents=True)
    for name in ("tm/_decide.py", "tm/_kernels.py"):
        (copy / name).write_text((PACKAGE / name).read_text())
    before = _numba._sources_digest(copy)
    stat = (copy / "tm/_decide.py").stat()
    os.utime(copy / "tm/_decide.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert _numba._sources_digest(copy) != before


def test_a_user_cache_dir_is_kept_and_used(tmp_path):
    code = "import numba, speedprior._numba; print(numba.config.CACHE_DIR)"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert Path(out.strip()).parent == tmp_path
