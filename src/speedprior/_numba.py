"""Numba settings in one place: every kernel in the package compiles with these flags."""

# cache=True keeps compiled kernels on disk so a CLI call does not recompile;
# nogil lets threads (and prange) run kernels side by side.
JIT = dict(cache=True, nogil=True)
PARALLEL_JIT = dict(cache=True, nogil=True, parallel=True)
