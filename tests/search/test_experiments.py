"""The `levin-search` and `annealing` experiment kinds run end to end and write their reports."""

import json

from speedprior.experiments.runner import load_config, run_experiment


def test_levin_search_experiment(tmp_path):
    config = load_config({"kind": "levin-search", "task": "unary-one", "ks": [1], "ls": [1, 100000]})
    summary = run_experiment(config, tmp_path / "run", quiet=True)
    runs = summary["runs"]
    assert [r["program"] for r in runs] == ["1LB0LA_0RZ---", "1RB1RB_0LZ0LZ", "1LB0LA_0RZ---"]
    assert [r["forwarding_mean"] for r in runs] == [1.4, 1.0, 1.4] and runs[2]["schedule"] == "phases"
    assert summary["fastest_program"] == "1RB1RB_0LZ0LZ" and summary["solvers"] == 39
    assert (tmp_path / "run" / "dovetail-forwarding.png").is_file()
    assert len((tmp_path / "run" / "metrics.jsonl").read_text().splitlines()) == 3


def test_annealing_experiment(tmp_path):
    config = load_config({"kind": "annealing", "task": "unary-one", "grow": 3.0})
    summary = run_experiment(config, tmp_path / "run", quiet=True)
    assert summary["selected"] == "1RB1RB_0LZ0LZ" and summary["plain_selected"] == "1LB0LA_0RZ---"
    assert summary["c_trajectory"] == [1.0, 3.0, 2.4, 1.92, 2.016]
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["selected_cost"] == 2.0
    assert "annealing-trajectory.png" in (tmp_path / "run" / "report.md").read_text()
