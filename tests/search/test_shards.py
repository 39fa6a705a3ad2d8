"""The sharded blank-tape enumeration: merged shards equal the one-process walk; resume; refusals."""

from __future__ import annotations

import concurrent.futures
import fcntl
import json
from dataclasses import asdict
from pathlib import Path

import pytest

from speedprior.errors import BudgetError, ConfigError
from speedprior.search.enumerate import enumerate_blank
from speedprior.search.shards import (
    ShardFailed,
    check_out,
    default_shards,
    enumerate_sharded,
    merge_shards,
    plan_shards,
    run_shard,
)


def _without_seconds(summary) -> dict:
    return {k: v for k, v in asdict(summary).items() if k != "seconds"}


def _files(out: Path) -> dict[str, tuple[int, str]]:
    """Shard file name -> (inode, text): what running the shard again would change."""
    return {p.name: (p.stat().st_ino, p.read_text()) for p in sorted((out / "shards").glob("*.json"))}


@pytest.mark.parametrize("states, symbols, budget, shards", [
    (2, 2, 107, None), (3, 2, 107, None), (3, 2, 107, 7), (3, 2, 300, 30), (4, 2, 107, None), (4, 2, 107, 37),
    (2, 3, 200, 5), (4, 2, 0, 3),
])
def test_merged_shards_equal_the_one_process_walk(tmp_path, states, symbols, budget, shards):
    plan = plan_shards(states, symbols, budget, shards)
    run = enumerate_sharded(plan, tmp_path / "out")
    assert run.complete and run.ran == run.shards == plan.shards
    assert _without_seconds(run.summary) == _without_seconds(enumerate_blank(states, symbols, budget))
    assert json.loads((tmp_path / "out" / "summary.json").read_text()) == asdict(run.summary)


def test_every_shard_count_gives_the_same_numbers(tmp_path):
    # At budget 12 the deciders' verdicts depend on where the walk resumes a run (they watch from
    # there), so this checks that the cut does not move with the shard count.
    reference = enumerate_sharded(plan_shards(3, 2, 12), tmp_path / "one")
    for shards in (2, 5, 109):
        run = enumerate_sharded(plan_shards(3, 2, 12, shards), tmp_path / str(shards))
        assert run.shards == shards and _without_seconds(run.summary) == _without_seconds(reference.summary)


def test_the_plan_depends_only_on_its_arguments():
    assert plan_shards(4, 2, 107).manifest() == plan_shards(4, 2, 107).manifest()
    assert plan_shards(4, 2, 107).manifest()["plan"] != plan_shards(4, 2, 107, shards=5).manifest()["plan"]
    assert [default_shards(3, 2, 107), default_shards(4, 2, 107), default_shards(5, 2, 1000),
            default_shards(5, 2, 2500)] == [1, 4, 64, 192]
    plan = plan_shards(4, 2, 107, shards=9)  # shard k deals frontier nodes k, k + 9, ...: each node once
    ids = sorted(i for k in range(9) for i in plan.task(k).node_ids)
    assert ids == list(range(len(plan.nodes)))
    assert plan_shards(3, 2, 107, shards=4096).shards == len(plan_shards(3, 2, 107).nodes) == 109  # one per node
    with pytest.raises(BudgetError, match="shards must lie in 1..4096, got 0"):
        plan_shards(3, 2, 107, shards=0)


def test_a_tie_goes_to_the_lower_frontier_node_as_in_the_one_process_walk():
    base = {"machines": 3, "halted": 1, "nonhalting": 1, "undecided": 1, "max_ones": 2, "max_ones_node": 9,
            "max_ones_machine": "ones-late"}
    late = {**base, "max_steps": 30, "max_steps_node": 7, "max_steps_machine": "steps-late"}
    early = {**base, "max_steps": 30, "max_steps_node": 4, "max_steps_machine": "steps-early",
             "max_ones": 1, "max_ones_node": 0, "max_ones_machine": "ones-early"}
    summary = merge_shards([late, early], 3, 2, 100, seconds=0.0)
    assert (summary.machines, summary.halted, summary.max_steps, summary.max_steps_machine) == (6, 2, 30,
                                                                                               "steps-early")
    assert (summary.max_ones, summary.max_ones_machine) == (2, "ones-late")
    nothing = merge_shards([{**base, "halted": 0, "nonhalting": 2, "max_ones": -1, "max_steps": -1,
                             "max_steps_node": 0, "max_steps_machine": ""}], 3, 2, 0, seconds=0.0)
    assert (nothing.max_steps, nothing.max_steps_machine, nothing.max_ones_machine) == (-1, "", "")


def test_resume_runs_only_the_unfinished_shards_and_rewrites_none(tmp_path):
    plan, out = plan_shards(4, 2, 300, shards=12), tmp_path / "out"
    calls = []
    first = enumerate_sharded(plan, out, limit=5, on_shard=lambda *a: calls.append(a))
    assert (first.done, first.ran, first.complete) == (5, 5, False)
    assert not (out / "summary.json").exists()  # only a finished enumeration has a summary
    assert [c[:2] for c in calls] == [(k, 12) for k in range(6)]  # once at the start, then per shard
    kept = _files(out)
    assert sorted(kept) == [f"{k:05d}.json" for k in range(5)]
    assert first.summary.machines == sum(json.loads(text)["machines"] for _, text in kept.values())
    with pytest.raises(ConfigError, match="holds a sharded enumeration; pass --resume"):
        enumerate_sharded(plan, out)
    second = enumerate_sharded(plan, out, resume=True)
    assert (second.done, second.ran) == (12, 7)
    assert {k: v for k, v in _files(out).items() if k in kept} == kept  # no finished shard was run again
    assert _without_seconds(second.summary) == _without_seconds(enumerate_blank(4, 2, 300))
    again = enumerate_sharded(plan, out, resume=True)
    assert again.ran == 0 and _without_seconds(again.summary) == _without_seconds(second.summary)


class _FailingOn(concurrent.futures.ThreadPoolExecutor):
    """Threads that run shards, except that shard `bad` fails as a dead worker would."""

    def __init__(self, bad: int):
        super().__init__(2)
        self.bad = bad

    def submit(self, fn, /, *args):
        if args[0].index == self.bad:
            future = concurrent.futures.Future()
            future.set_exception(OSError("worker died"))
            return future
        return super().submit(fn, *args)


def test_an_executor_gives_the_same_numbers_and_a_failed_shard_stops_the_run_keeping_the_rest(tmp_path):
    plan, out = plan_shards(4, 2, 107, shards=8), tmp_path / "out"
    with concurrent.futures.ThreadPoolExecutor(2) as threads:
        run = enumerate_sharded(plan, tmp_path / "threads", executor=threads, in_flight=3)
    assert _without_seconds(run.summary) == _without_seconds(enumerate_blank(4, 2, 107))
    with _FailingOn(bad=3) as failing, pytest.raises(ShardFailed, match="shard 3 failed \\(OSError: worker died\\); "
                                                                          "the finished shards are kept"):
        enumerate_sharded(plan, out, executor=failing, in_flight=1)
    assert sorted(_files(out)) == [f"{k:05d}.json" for k in range(3)]
    assert enumerate_sharded(plan, out, resume=True).ran == 5


def test_a_damaged_or_foreign_shard_file_is_run_again_and_temporaries_are_swept(tmp_path):
    plan, out = plan_shards(3, 2, 107, shards=4), tmp_path / "out"
    reference = enumerate_sharded(plan, out).summary
    (out / "shards" / "00001.json").write_text('{"shard": 1, "machi')  # not this code's: it writes atomically
    foreign = json.loads((out / "shards" / "00002.json").read_text())
    (out / "shards" / "00003.json").write_text(json.dumps({**foreign, "shard": 3}))  # another shard's nodes
    (out / "shards" / ".00000.json.x1y2.tmp").write_text("{")  # what a kill mid-write leaves
    (out / "summary.json").unlink()
    resumed = enumerate_sharded(plan, out, resume=True)
    assert resumed.ran == 2
    assert _without_seconds(resumed.summary) == _without_seconds(reference)
    assert not list(out.rglob("*.tmp"))


def test_directories_that_cannot_be_used_are_refused_before_anything_is_written(tmp_path):
    plan = plan_shards(3, 2, 107, shards=3)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="busy is not empty; pass --resume to continue it, --force"):
        check_out(tmp_path / "busy", plan)
    with pytest.raises(ConfigError, match="holds no manifest.json"):
        check_out(tmp_path / "busy", plan, resume=True)
    with pytest.raises(ConfigError, match="pass one"):
        check_out(tmp_path / "new", plan, resume=True, force=True)
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match="file is not a directory"):
        check_out(tmp_path / "file", plan)
    enumerate_sharded(plan, tmp_path / "done")
    for other, told in ((plan_shards(3, 2, 100, shards=3), "budget 107 here, 100 asked"),
                        (plan_shards(3, 2, 107, shards=4), "shards 3 here, 4 asked"),
                        (plan_shards(4, 2, 107, shards=3), "states 3 here, 4 asked")):
        with pytest.raises(ConfigError, match=f"was made by another enumeration \\({told}"):
            enumerate_sharded(other, tmp_path / "done", resume=True)
    assert sorted(p.name for p in (tmp_path / "done" / "shards").iterdir()) == ["00000.json", "00001.json",
                                                                                "00002.json"]
    (tmp_path / "done" / "manifest.json").write_text("{not json")
    with pytest.raises(ConfigError, match="manifest.json is unreadable"):
        check_out(tmp_path / "done", plan, resume=True)
    check_out(tmp_path / "missing", plan, resume=True)  # resuming what was never started starts it


def test_force_starts_over_and_leaves_other_files_alone(tmp_path):
    out = tmp_path / "out"
    enumerate_sharded(plan_shards(3, 2, 107, shards=5), out)
    (out / "notes.txt").write_text("mine")
    run = enumerate_sharded(plan_shards(3, 2, 50, shards=2), out, force=True)
    assert run.ran == 2 and sorted(p.name for p in (out / "shards").iterdir()) == ["00000.json", "00001.json"]
    assert json.loads((out / "manifest.json").read_text())["budget"] == 50
    assert (out / "notes.txt").read_text() == "mine"


def test_a_second_driver_on_the_same_directory_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / "enumerate.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ConfigError, match="is being enumerated by another process"):
            enumerate_sharded(plan_shards(3, 2, 107), out)


def test_a_few_shards_of_the_5_state_space_add_up_and_resume(tmp_path):
    from speedprior.tm import load_machine, run

    plan, out = plan_shards(5, 2, 16), tmp_path / "bb5"
    assert (plan.shards, len(plan.nodes)) == (64, 13_833)  # at budget 16 a few frontier nodes are leaves
    first = enumerate_sharded(plan, out, limit=1)
    kept = _files(out)
    second = enumerate_sharded(plan, out, resume=True, limit=1)
    assert (first.done, second.done, second.ran, second.complete) == (1, 2, 1, False)
    assert {k: v for k, v in _files(out).items() if k in kept} == kept
    results = [json.loads(text) for _, text in _files(out).values()]
    assert [r["shard"] for r in results] == [0, 1]
    for r in results:
        assert r["machines"] == r["halted"] + r["nonhalting"] + r["undecided"] >= r["nodes"]
        assert r["nodes"] == len(plan.task(r["shard"]).node_ids) > 200
        # Each champion, run on its own, halts after exactly its recorded steps with its recorded ones.
        for key in ("max_steps", "max_ones"):
            result = run(load_machine(r[f"{key}_machine"]), "", budget=plan.budget + 1)
            assert result.halted and {"max_steps": result.steps, "max_ones": result.ones}[key] == r[key]
    assert results[0] == run_shard(plan.task(0)) | {k: results[0][k] for k in ("seconds", "cpu_seconds")}
    merged = second.summary
    assert merged.machines == sum(r["machines"] for r in results)
    assert merged.max_steps == max(r["max_steps"] for r in results) <= plan.budget
