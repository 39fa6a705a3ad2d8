"""The Ray backend: the same trials as the local pool, as Ray tasks on a cluster (`--backend ray`).

Ray is an optional extra (`pip install 'speedprior[ray]'`). With an address the driver joins that
cluster (`ray start --head` on one machine, `ray start --address=HEAD:6379` on the others);
without one it starts Ray on this machine. Every node must see the sweep directory at the same
path (a shared filesystem): each trial commits itself there exactly as on the local pool, so
resume, retries and the index work the same. Ray's own task retries are off; the sweep retries.
"""

from __future__ import annotations

import os
import re
import socket

from speedprior.errors import ConfigError
from speedprior.sweeps.trial import THREAD_ENV, run_trial

OBJECT_STORE_BYTES = 128 * 1024**2  # trials return a few hundred bytes; a local Ray needs little store
PROBE_SECONDS = 10


def _probe(address: str) -> None:
    """Fail in seconds, in one line, if nothing listens at a HOST:PORT cluster address."""
    match = re.fullmatch(r"\[?([\w.:-]+?)\]?:(\d+)", address)
    if match is None:
        return  # "auto", ray://..., left to Ray
    try:
        socket.create_connection((match.group(1), int(match.group(2))), timeout=PROBE_SECONDS).close()
    except OSError as error:
        raise ConfigError(f"cannot reach the Ray cluster at {address}: {error.strerror or error}") from None


class RayBackend:
    """Run trials as Ray tasks, at most `workers` at once (default: the cluster's CPUs)."""

    name = "ray"

    def __init__(self, workers: int | None, address: str | None):
        try:
            import ray
        except ImportError:
            raise ConfigError("the Ray backend needs Ray: pip install 'speedprior[ray]'") from None
        self._ray = ray
        self._owns_ray = False
        if not ray.is_initialized():
            options = dict(include_dashboard=False, log_to_driver=False, logging_level="warning")
            if address:
                _probe(address)  # ray.init waits forever for a head node that is not there
            try:
                if address:
                    ray.init(address=address, **options)
                else:
                    ray.init(num_cpus=workers or os.cpu_count() or 1, object_store_memory=OBJECT_STORE_BYTES,
                             **options)
            except (ConnectionError, RuntimeError, ValueError) as error:
                raise ConfigError(f"cannot reach the Ray cluster at {address or 'a new local Ray'}: {error}") from None
            self._owns_ray = True
        self.workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        self._task = ray.remote(num_cpus=1, max_retries=0)(run_trial).options(
            runtime_env={"env_vars": dict(THREAD_ENV)})
        self._args = {}

    def submit(self, root: str, trial: dict, attempt: int, options: dict):
        """Start one trial attempt as a Ray task; returns its object ref."""
        ref = self._task.remote(root, trial, attempt, options)
        self._args[ref] = (trial["id"], attempt)
        return ref

    def wait(self, handles: list) -> list[tuple[object, dict]]:
        """Block until at least one task is done; return (ref, outcome) for each done one."""
        done, _ = self._ray.wait(handles, num_returns=1)
        results = []
        for ref in done:
            trial_id, attempt = self._args.pop(ref)
            try:
                outcome = self._ray.get(ref)
            except self._ray.exceptions.RayError as error:  # the worker or node died, the task was cancelled
                message = " ".join(f"{type(error).__name__}: {error}".split())[:2000]
                outcome = {"trial": trial_id, "attempt": attempt, "status": "failed", "error": message}
            results.append((ref, outcome))
        return results

    def abort(self) -> None:
        """Cancel the running tasks (Ctrl-C, an error in the driver)."""
        for ref in list(self._args):
            try:
                self._ray.cancel(ref, force=True)
            except Exception:  # noqa: BLE001 - a task that already finished cannot be cancelled
                pass
        self._args.clear()

    def close(self) -> None:
        """Shut down the Ray this backend started (a cluster it joined keeps running)."""
        if self._owns_ray:
            self._ray.shutdown()
            self._owns_ray = False
