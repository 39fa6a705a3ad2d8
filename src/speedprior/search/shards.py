"""The blank-tape TNF enumeration in shards: resumable after a kill, on local processes or Ray tasks.

The tree of `enumerate_blank` is cut at a frontier (`blank_frontier`, breadth-first, in DFS
order) fixed by (states, symbols, budget), and its subtrees are dealt round-robin into shards:
shard k holds frontier nodes k, k + S, k + 2S, ... (S shards), which spreads the heavy subtrees
evenly. Every run of the same command cuts the same shards, and any shard count gives the same
numbers. A shard runs the compiled subtree walk on one thread and its result (counts and
champion machines, in Standard format) is one small JSON file.

An output directory holds
    manifest.json        states, symbols, budget, the shard count and a digest of the plan (written first)
    shards/<k>.json      one finished shard (written atomically: temporary file, fsync, rename)
    summary.json         the merged EnumerationSummary, once every shard is done
    enumerate.lock       held by the running driver (flock), so two drivers never share a directory

The resume guarantee: a shard is finished exactly when its file exists, and the driver alone
writes it, after the shard's result arrived; kill the driver at any moment (even SIGKILL), run
the same command with `resume`, and no finished shard is lost or run again. Merging the shard
files gives exactly the summary of the one-process walk: counts add up, and each champion is
the first machine in DFS order reaching its maximum (ties go to the lower frontier node).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from speedprior.atomic import exclusive, is_temporary, write_text_atomic
from speedprior.errors import BudgetError, ConfigError
from speedprior.search.enumerate import (
    DEFAULT_BUDGET,
    EnumerationSummary,
    _check,
    blank_frontier,
    champion_label,
    search_subtrees,
)

VERSION = 2  # of the plan and file layout; a directory made by another version is not resumed
MANIFEST = "manifest.json"
SHARDS = "shards"
SUMMARY = "summary.json"
LOCK = "enumerate.lock"
KIND = "tnf-blank-shards"
NODES_PER_SHARD = 64  # frontier subtrees per shard: enough that round-robin dealing evens out the shards
MAX_SHARDS = 4096
MAX_FRONTIER = 1 << 16  # nodes asked of the cut: the frontier is held in memory (one level may overshoot ~15x)
COUNTS = ("machines", "halted", "nonhalting", "undecided")


class ShardFailed(RuntimeError):
    """A shard's worker raised or died (not bad input: run the same command again with resume)."""


def default_shards(states: int, symbols: int, budget: int) -> int:
    """The shard count for a space: x4 per table entry past 7, x1 more per 1,000 steps of budget.

    The 5-state 2-symbol space at a budget of 1,000 gives 64 shards of about a CPU second each
    (docs/search.md); an undecided machine costs its whole budget, hence the budget factor.
    """
    return min(MAX_SHARDS, 4 ** max(0, states * symbols - 7) * max(1, -(-budget // 1000)))


@dataclass(frozen=True)
class ShardTask:
    """One shard's frontier nodes as arrays: what a worker process or Ray task needs to run it."""

    states: int
    symbols: int
    budget: int
    index: int
    node_ids: np.ndarray  # positions of the nodes in the frontier (DFS order)
    ns: np.ndarray
    wr: np.ndarray
    mv: np.ndarray
    used: np.ndarray
    written: np.ndarray
    resume: np.ndarray
    digest: str  # of the nodes: a shard file for other nodes is not this shard's result


@dataclass(frozen=True)
class ShardPlan:
    """The frontier of the blank-tape tree dealt into `shards` shards; depends only on its arguments."""

    states: int
    symbols: int
    budget: int
    shards: int
    nodes: list  # (ns, wr, mv, used, written, resume) per frontier node, in DFS order

    def task(self, k: int) -> ShardTask:
        """Shard k: frontier nodes k, k + shards, k + 2 * shards, ..."""
        ids = np.arange(k, len(self.nodes), self.shards, dtype=np.int64)
        rows = [self.nodes[i] for i in ids]
        ns, wr, mv = (np.stack([r[j] for r in rows]) for j in range(3))
        used, written, resume = (np.array([r[j] for r in rows], np.int64) for j in (3, 4, 5))
        digest = hashlib.sha256()
        for array in (ids, ns, wr, mv, used, written, resume):
            digest.update(np.ascontiguousarray(array).tobytes())
        return ShardTask(self.states, self.symbols, self.budget, k, ids, ns, wr, mv, used, written, resume,
                         digest.hexdigest()[:16])

    def manifest(self) -> dict:
        """What manifest.json records; a directory is resumed only under the same manifest."""
        digest = hashlib.sha256()
        for k in range(self.shards):
            digest.update(self.task(k).digest.encode())
        return {"kind": KIND, "version": VERSION, "states": self.states, "symbols": self.symbols,
                "budget": self.budget, "shards": self.shards, "frontier": len(self.nodes),
                "plan": digest.hexdigest()[:16]}


def plan_shards(states: int, symbols: int = 2, budget: int = DEFAULT_BUDGET, shards: int | None = None) -> ShardPlan:
    """Cut the blank-tape TNF tree into shards (default count: `default_shards`; at most one per frontier node)."""
    _check(states, symbols, budget)
    if shards is not None and not 1 <= shards <= MAX_SHARDS:
        raise BudgetError(f"shards must lie in 1..{MAX_SHARDS}, got {shards}")
    # The frontier does not depend on `shards`, so every shard count walks the same subtrees (the
    # verdicts do not depend on the cut either: each node carries the step its run resumes from).
    target = min(default_shards(states, symbols, budget) * NODES_PER_SHARD, MAX_FRONTIER)
    nodes = blank_frontier(states, symbols, budget, target)
    return ShardPlan(states, symbols, budget, min(shards or default_shards(states, symbols, budget), len(nodes)),
                     nodes)


def run_shard(task: ShardTask) -> dict:
    """Walk every subtree of one shard on this thread; its result as plain data (the shard file's content)."""
    start, cpu = time.perf_counter(), time.process_time()
    nodes = list(zip(task.ns, task.wr, task.mv, task.used, task.written, task.resume, strict=True))
    stats, best_steps, best_ones = search_subtrees(nodes, task.states, task.symbols, task.budget, threads=1)
    halted = int(stats[:, 1].sum())
    result = {"kind": KIND, "version": VERSION, "shard": task.index, "digest": task.digest, "states": task.states,
              "symbols": task.symbols, "budget": task.budget, "nodes": len(nodes),
              "machines": int(stats[:, 0].sum()), "halted": halted, "nonhalting": int(stats[:, 4].sum()),
              "undecided": int(stats[:, 5].sum())}
    for key, column, best in (("max_steps", 2, best_steps), ("max_ones", 3, best_ones)):
        i = int(np.argmax(stats[:, column]))  # the first node (in DFS order) holding the shard's maximum
        result[key] = int(stats[i, column])
        result[f"{key}_machine"] = champion_label(best[i], task.states, task.symbols) if halted else ""
        result[f"{key}_node"] = int(task.node_ids[i])
    result["seconds"] = round(time.perf_counter() - start, 4)
    result["cpu_seconds"] = round(time.process_time() - cpu, 4)
    return result


def merge_shards(results: list[dict], states: int, symbols: int, budget: int, seconds: float) -> EnumerationSummary:
    """Add up shard results into the summary the one-process walk gives (seconds: this run's wall time)."""
    totals = {key: sum(r[key] for r in results) for key in COUNTS}
    champions = {}
    for key in ("max_steps", "max_ones"):
        # The highest maximum; among equals, the lowest frontier node (the first in DFS order).
        best = min(results, key=lambda r: (-r[key], r[f"{key}_node"]), default=None)
        champions[key] = best[key] if best else -1
        champions[f"{key}_machine"] = best[f"{key}_machine"] if best and totals["halted"] else ""
    return EnumerationSummary(states, symbols, budget, **totals, **champions, seconds=round(seconds, 4))


@dataclass(frozen=True)
class ShardedEnumeration:
    """What a sharded run did: the summary over the finished shards and how far it got."""

    summary: EnumerationSummary  # over every shard when complete, else over the finished ones
    shards: int
    done: int  # shards finished, now
    ran: int  # of which this call ran
    out: Path

    @property
    def complete(self) -> bool:
        """Whether every shard is finished (then `summary` is the whole space's)."""
        return self.done == self.shards


def check_out(out: str | Path, plan: ShardPlan, resume: bool = False, force: bool = False) -> None:
    """Refuse, before any work, an output directory this run may not use (ConfigError naming why)."""
    out = Path(out)
    if resume and force:
        raise ConfigError("--resume continues the shards in --out and --force starts them over; pass one")
    if not out.exists():
        return
    if not out.is_dir():
        raise ConfigError(f"{out} is not a directory")
    if force or not _contents(out):
        return
    manifest_path = out / MANIFEST
    if not resume:
        what = "holds a sharded enumeration" if manifest_path.is_file() else "is not empty"
        raise ConfigError(f"{out} {what}; pass --resume to continue it, --force to start it over, or choose "
                          "another --out")
    if not manifest_path.is_file():
        raise ConfigError(f"{out} is not empty and holds no {MANIFEST}, so it is no sharded enumeration to resume")
    try:
        stored = json.loads(manifest_path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"{manifest_path} is unreadable: {error}") from None
    wanted = plan.manifest()
    differ = [k for k in wanted if not isinstance(stored, dict) or stored.get(k) != wanted[k]]
    if differ:
        told = ", ".join(f"{k} {stored.get(k) if isinstance(stored, dict) else None} here, {wanted[k]} asked"
                         for k in differ)
        raise ConfigError(f"{out} was made by another enumeration ({told}); resume it with the arguments it was "
                          "started with, or choose another --out")


def enumerate_sharded(plan: ShardPlan, out: str | Path, *, resume: bool = False, force: bool = False,
                      executor: concurrent.futures.Executor | None = None, in_flight: int = 1,
                      limit: int | None = None,
                      on_shard: Callable[[int, int, int], None] | None = None) -> ShardedEnumeration:
    """Run the plan's unfinished shards into `out` and merge every finished one.

    `executor` (a process pool, Ray tasks behind the Executor interface; None: this process)
    runs `run_shard`, at most `in_flight` shards at once; this process writes each result.
    `limit` stops after that many shards have run. `on_shard(done, total, machines)` is called
    once at the start and after each finished shard. A shard that fails stops the run (what
    finished stays finished; run again with `resume`) with ShardFailed.
    """
    start = time.perf_counter()
    out = Path(out)
    check_out(out, plan, resume, force)
    with exclusive(out, LOCK, f"{out} is being enumerated by another process"):
        if force:
            _clear(out)
        _remove_temporaries(out)
        manifest = plan.manifest()
        if not (out / MANIFEST).is_file():
            write_text_atomic(out / MANIFEST, json.dumps(manifest, indent=1) + "\n")
        tasks = [plan.task(k) for k in range(plan.shards)]
        results = {k: r for k in range(plan.shards) if (r := _read_result(out, tasks[k])) is not None}
        pending = [t for t in tasks if t.index not in results]
        if limit is not None:
            pending = pending[:limit]

        def record(result: dict) -> None:
            write_text_atomic(_shard_path(out, result["shard"]), json.dumps(result, indent=1) + "\n")
            results[result["shard"]] = result
            if on_shard is not None:
                on_shard(len(results), plan.shards, sum(r["machines"] for r in results.values()))

        if on_shard is not None:
            on_shard(len(results), plan.shards, sum(r["machines"] for r in results.values()))
        if executor is None:
            for task in pending:
                record(run_shard(task))
        else:
            for result in _run_on(executor, pending, max(1, in_flight)):
                record(result)
        finished = [results[k] for k in sorted(results)]
        summary = merge_shards(finished, plan.states, plan.symbols, plan.budget, time.perf_counter() - start)
        if len(finished) == plan.shards:
            write_text_atomic(out / SUMMARY, json.dumps(summary.to_dict(), indent=1) + "\n")
    return ShardedEnumeration(summary, plan.shards, len(finished), len(pending), out)


def _run_on(executor, tasks: list[ShardTask], in_flight: int) -> Iterator[dict]:
    """Yield each task's result as it finishes, keeping at most `in_flight` submitted; cancel the rest on exit."""
    queue, running = list(reversed(tasks)), {}
    try:
        while queue or running:
            while queue and len(running) < in_flight:
                task = queue.pop()
                running[executor.submit(run_shard, task)] = task.index
            done, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in sorted(done, key=running.get):
                index = running.pop(future)
                try:
                    result = future.result()
                except Exception as error:  # a worker that died, a Ray task that failed
                    message = " ".join(f"{type(error).__name__}: {error}".split())[:500]
                    raise ShardFailed(f"shard {index} failed ({message}); the finished shards are kept: run the "
                                      "same command with --resume") from error
                yield result
    finally:
        for future in running:
            future.cancel()


def _shard_path(out: Path, k: int) -> Path:
    return out / SHARDS / f"{k:05d}.json"


def _read_result(out: Path, task: ShardTask) -> dict | None:
    """Shard k's result if its file is there and is this shard's (same nodes, same space), else None."""
    try:
        result = json.loads(_shard_path(out, task.index).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    expected = {"kind": KIND, "version": VERSION, "shard": task.index, "digest": task.digest, "states": task.states,
                "symbols": task.symbols, "budget": task.budget}
    if not isinstance(result, dict) or any(result.get(k) != v for k, v in expected.items()):
        return None
    numbers = (*COUNTS, "max_steps", "max_ones", "max_steps_node", "max_ones_node")
    if not all(type(result.get(k)) is int for k in numbers) or \
            not all(isinstance(result.get(f"{k}_machine"), str) for k in ("max_steps", "max_ones")):
        return None
    if result["machines"] != result["halted"] + result["nonhalting"] + result["undecided"]:
        return None
    return result


def _contents(out: Path) -> list[Path]:
    """What the directory holds besides the lock and the temporary files a killed writer leaves."""
    return [p for p in out.iterdir() if p.name != LOCK and not is_temporary(p)]


def _remove_temporaries(out: Path) -> None:
    for folder in (out, out / SHARDS):
        if folder.is_dir():
            for path in folder.iterdir():
                if is_temporary(path) and path.is_file():
                    path.unlink(missing_ok=True)


def _clear(out: Path) -> None:
    """--force: remove what an earlier enumeration wrote here (nothing else)."""
    for name in (MANIFEST, SUMMARY):
        (out / name).unlink(missing_ok=True)
    shutil.rmtree(out / SHARDS, ignore_errors=True)


__all__ = ["ShardFailed", "ShardPlan", "ShardTask", "ShardedEnumeration", "check_out", "default_shards",
           "enumerate_sharded", "merge_shards", "plan_shards", "run_shard"]
