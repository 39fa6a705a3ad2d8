"""The results index: rebuilt from directories alone; `runs list|show|compare|export` over it."""

import json

import duckdb
import pytest

from speedprior.errors import UnknownNameError
from speedprior.results.index import INDEX, build_index, connect, query, resolve_run
from tests.sweeps.helpers import synthetic_run, synthetic_sweep


@pytest.fixture
def root(tmp_path):
    """runs/ with one sweep (16 trials, 2 failed) and two stand-alone runs, one unfinished."""
    runs = tmp_path / "runs"
    synthetic_sweep(runs / "sweeps" / "widths", widths=(1, 2), rates=(0.1, 0.3, 0.5), seeds=range(3), fail=2)
    synthetic_run(runs / "solo-a", score=1.0)
    synthetic_run(runs / "solo-b", seed=1, score=2.5)
    (runs / "crashed").mkdir()
    (runs / "crashed" / "config.json").write_text(json.dumps({"kind": "growth", "seed": 3}))
    (runs / "crashed" / "metrics.jsonl").write_text('{"step": 1}\n')
    return runs


def test_the_index_holds_every_run_and_trial_with_its_status(root):
    path = build_index(root)
    assert path == root / INDEX
    connection = duckdb.connect(str(path), read_only=True)
    counts = dict(connection.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall())
    assert counts == {"completed": 16 + 2, "failed": 2, "incomplete": 1}
    sweeps = query(connection, "SELECT * FROM sweeps")
    assert [(s["sweep"], s["trials"], s["completed"], s["failed"], s["pending"]) for s in sweeps] == [
        ("sweeps/widths", 18, 16, 2, 0)]
    score = connection.execute("SELECT value FROM metrics WHERE run = 'sweeps/widths/trials/0010-00020010' "
                               "AND metric = 'score'").fetchone()[0]
    assert score == pytest.approx(2 * 0.1 + 1 / 100)  # width 2, rate 0.1, seed 1
    assert connection.execute("SELECT value FROM metrics WHERE metric = 'nested.ok' LIMIT 1").fetchone()[0] == 1.0
    assert not connection.execute("SELECT * FROM metrics WHERE metric = 'label'").fetchall()
    params = dict(connection.execute("SELECT param, value FROM params WHERE run = 'sweeps/widths/trials/0010-00020010'")
                  .fetchall())
    assert params == {"width": "2", "rate": "0.1"}
    error = connection.execute("SELECT error FROM runs WHERE status = 'failed' LIMIT 1").fetchone()[0]
    assert error == "ValueError: synthetic failure"
    # SQL over the JSON columns works (the json extension ships with DuckDB)
    assert connection.execute("SELECT json_extract(config, '$.budget')::INT FROM runs WHERE run = 'solo-a'"
                              ).fetchone()[0] == 100
    connection.close()


def test_the_directories_are_the_truth(root):
    build_index(root)
    synthetic_run(root / "later", score=9.0)  # appears without any registration step
    (root / INDEX).unlink()  # and the index can always be thrown away
    connection = connect(root)
    assert query(connection, "SELECT count(*) AS n FROM runs")[0]["n"] == 22
    connection.close()
    assert not list(root.glob(".index.*"))  # no temporary files left behind


def test_runs_are_found_by_path_or_unique_last_part(root):
    connection = connect(root)
    assert resolve_run(connection, "solo-a") == "solo-a"
    assert resolve_run(connection, "0010-00020010") == "sweeps/widths/trials/0010-00020010"
    with pytest.raises(UnknownNameError, match="ambiguous"):
        resolve_run(connection, "solo")
    with pytest.raises(UnknownNameError, match="no run 'zzz'"):
        resolve_run(connection, "zzz")
    connection.close()


def test_cli_list_show_compare(root, cli):
    code, out, _ = cli("runs", "list", "--root", str(root), "--json")
    listed = json.loads(out)
    assert code == 0 and len(listed["runs"]) == 21 and listed["index"] == str(root / INDEX)
    code, out, _ = cli("runs", "list", "--root", str(root), "--sweep", "sweeps/widths", "--status", "failed", "--json")
    assert [r["trial"] for r in json.loads(out)["runs"]] == ["0016-00020050", "0017-00020050"]
    code, out, _ = cli("runs", "show", "solo-b", "--root", str(root), "--json")
    shown = json.loads(out)
    assert code == 0 and shown["seed"] == 1 and shown["summary"]["score"] == 2.5 and shown["status"] == "completed"
    code, out, _ = cli("runs", "compare", "solo-a", "solo-b", "--root", str(root), "--json")
    compared = json.loads(out)
    assert code == 0 and compared["runs"] == ["solo-a", "solo-b"]
    assert compared["metrics"] == {"score": [1.0, 2.5]}  # only what differs (seconds are equal here)
    assert compared["config"] == {"seed": [0, 1]}
    code, out, _ = cli("runs", "list", "--root", str(root))
    assert code == 0 and "solo-a" in out
    code, _, err = cli("runs", "compare", "solo-a", "--root", str(root))
    assert code == 2 and "at least two runs" in err


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_export_round_trips(root, tmp_path, cli, suffix):
    out = tmp_path / f"runs.{suffix}"
    code, _, _ = cli("runs", "export", str(out), "--root", str(root))
    assert code == 0
    reader = "read_csv_auto" if suffix == "csv" else "read_parquet"
    rows = duckdb.connect().execute(f"SELECT run, status, seed FROM {reader}(?) ORDER BY run", [str(out)]).fetchall()
    assert len(rows) == 21 and rows[0] == ("crashed", "incomplete", 3)
    metrics = tmp_path / f"metrics.{suffix}"
    assert cli("runs", "export", str(metrics), "--root", str(root), "--table", "metrics")[0] == 0
    count = duckdb.connect().execute(f"SELECT count(*) FROM {reader}(?) WHERE metric = 'score'",
                                     [str(metrics)]).fetchone()[0]
    assert count == 18
