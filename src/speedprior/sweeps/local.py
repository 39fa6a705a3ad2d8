"""The default backend: a pool of local worker processes (one trial per process at a time).

Workers are started with `spawn` (a fresh interpreter, no state copied from the driver), run
single-threaded numerics and are killed by the kernel if the driver dies (see trial.init_worker).
A worker that dies mid-trial (a segfault, the OOM killer) fails that trial's attempt, and the pool
is started again for the next ones.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from speedprior.sweeps.trial import init_worker, run_trial


class LocalBackend:
    """Run trials on `workers` local processes."""

    name = "local"

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._args: dict[Future, tuple] = {}

    def submit(self, root: str, trial: dict, attempt: int, options: dict) -> Future:
        """Start one trial attempt; returns a handle for `wait`."""
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=init_worker)
        future = self._pool.submit(run_trial, root, trial, attempt, options)
        self._args[future] = (trial["id"], attempt, self._pool)
        return future

    def wait(self, handles: list[Future]) -> list[tuple[Future, dict]]:
        """Block until at least one handle is done; return (handle, outcome) for each done one."""
        done, _ = wait(handles, return_when=FIRST_COMPLETED)
        results = []
        for future in done:
            trial_id, attempt, pool = self._args.pop(future)
            try:
                outcome = future.result()
            except BrokenProcessPool as error:
                if pool is self._pool:  # the first of the broken pool's futures replaces it
                    self._restart()
                outcome = {"trial": trial_id, "attempt": attempt, "status": "failed",
                           "error": f"worker process died: {error}"}
            results.append((future, outcome))
        return results

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        """Kill the workers now (Ctrl-C, an error in the driver): their unfinished trials are simply not committed."""
        if self._pool is not None:
            for process in list(getattr(self._pool, "_processes", {}).values()):  # no public kill before 3.14
                process.kill()
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        """Stop the workers (after every submitted trial has finished)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
