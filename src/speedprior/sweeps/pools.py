"""Executors for independent tasks outside a sweep (the shards of `speedprior tm enumerate --out`).

`LocalPool` and `RayPool` are `concurrent.futures` executors with the sweeps' process model: local
workers are spawned, run single-threaded numerics and die with the driver (trial.init_worker);
Ray tasks take one CPU each, and Ray is joined or started as for `speedprior sweep --backend ray`
(ray_backend.RayBackend: the address probe, one-line errors). Both add `workers` (tasks to keep
in flight), `abort()` (stop now, after a Ctrl-C or an error) and `close()`.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing

from speedprior.sweeps.ray_backend import RayBackend
from speedprior.sweeps.trial import THREAD_ENV, init_worker


class LocalPool(concurrent.futures.ProcessPoolExecutor):
    """Tasks on `workers` local processes, started with spawn: one thread each, killed with the driver."""

    def __init__(self, workers: int):
        super().__init__(workers, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker)
        self.workers = workers

    def abort(self) -> None:
        """Kill the workers now; their unfinished tasks give no result."""
        for process in list((getattr(self, "_processes", None) or {}).values()):  # no public kill before 3.14
            process.kill()
        self.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers."""
        self.shutdown(wait=True, cancel_futures=True)


class RayPool(concurrent.futures.Executor):
    """Tasks as Ray tasks (one CPU each), on a cluster joined or started as `speedprior sweep --backend ray` does."""

    def __init__(self, workers: int | None, address: str | None):
        self._backend = RayBackend(workers, address)  # probes the address, ray.init, one-line errors
        import ray  # importable now: RayBackend refuses with a one-line error where it is not

        self._ray = ray
        self.workers = self._backend.workers
        self._options = dict(num_cpus=1, max_retries=2, runtime_env={"env_vars": dict(THREAD_ENV)})
        self._remotes, self._refs = {}, []

    def submit(self, fn, /, *args, **kwargs) -> concurrent.futures.Future:
        """Run fn(*args) as a Ray task (retried by Ray if its worker dies); a Future for its result."""
        if fn not in self._remotes:
            self._remotes[fn] = self._ray.remote(**self._options)(fn)
        ref = self._remotes[fn].remote(*args, **kwargs)
        self._refs.append(ref)
        return ref.future()

    def abort(self) -> None:
        """Cancel the tasks still running."""
        for ref in self._refs:
            try:
                self._ray.cancel(ref, force=True)
            except Exception:  # noqa: BLE001 - a task that already finished cannot be cancelled
                pass

    def close(self) -> None:
        """Shut down the Ray this run started (a cluster it joined keeps running)."""
        self._backend.close()
