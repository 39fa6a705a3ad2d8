"""`speedprior run`: config validation, run directory contents, no overwriting."""

import json

import pytest

from speedprior.cli import main
from speedprior.errors import ConfigError, UnknownNameError
from speedprior.experiments import load_config, run_experiment

SMALL = {
    "kind": "tm-compare",
    "name": "small",
    "machines": ["sipser-0n1n-zigzag", "sipser-0n1n-2tape"],
    "inputs": [{"name": "all", "lengths": "0:8"}, {"name": "sorted", "lengths": "2:20:2", "family": "sorted"}],
}


def test_run_writes_a_complete_run_directory(tmp_path):
    summary = run_experiment(load_config(SMALL), tmp_path / "run", quiet=True)
    files = {p.name for p in (tmp_path / "run").iterdir()}
    assert {"config.json", "summary.json", "report.md", "metrics.jsonl", "steps-by-length.png"} <= files
    assert json.loads((tmp_path / "run" / "config.json").read_text())["budget"] == 100_000  # default filled in
    growth = summary["machines"]["sipser-0n1n-zigzag"]["sorted"]["growth"]
    assert growth["max"] == "n^2"
    assert summary["machines"]["sipser-0n1n-2tape"]["sorted"]["growth"]["max"] == "n"


def test_same_config_same_numbers(tmp_path):
    a = run_experiment(load_config(SMALL), tmp_path / "a", quiet=True)
    b = run_experiment(load_config(SMALL), tmp_path / "b", quiet=True)
    assert a["machines"] == b["machines"]


def test_existing_run_directory_is_never_overwritten(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "keep.txt").write_text("data")
    with pytest.raises(ConfigError, match="not empty"):
        run_experiment(load_config(SMALL), tmp_path / "run", quiet=True)
    assert (tmp_path / "run" / "keep.txt").read_text() == "data"


@pytest.mark.parametrize("change, error", [
    ({"colour": "red"}, ConfigError),
    ({"budget": "lots"}, ConfigError),
    ({"inputs": [{"name": "x", "family": "odd"}]}, ConfigError),
    ({"kind": "no-such-kind"}, UnknownNameError),
])
def test_bad_configs_fail_loudly(change, error):
    with pytest.raises(error):
        load_config({**SMALL, **change})


def test_cli_run_json_and_bad_toml(tmp_path, capsys):
    config = tmp_path / "c.toml"
    config.write_text('kind = "tm-compare"\nmachines = ["bb2"]\n[[inputs]]\nname = "blank"\nlengths = "0:3"\n')
    with pytest.raises(SystemExit) as stop:
        main(["run", str(config), "--out", str(tmp_path / "out"), "--json"])
    out, _ = capsys.readouterr()
    assert stop.value.code == 0 and json.loads(out)["run_dir"] == str(tmp_path / "out")
    config.write_text("kind = ")
    with pytest.raises(SystemExit) as stop:
        main(["run", str(config)])
    _, err = capsys.readouterr()
    assert stop.value.code == 2 and "invalid TOML" in err


def test_every_shipped_experiment_config_validates():
    import tomllib

    from speedprior import packaged
    from speedprior.experiments import KINDS

    seen = {load_config(tomllib.loads(packaged.read("config", name))).kind for name in packaged.names("config")}
    assert "deception-selection" in seen and seen <= set(KINDS)


def test_shipped_tasks_and_machines_load():
    from speedprior import packaged
    from speedprior.search.task import load_task
    from speedprior.tm.library import get_machine

    assert {"unary-even", "unary-one"} <= set(packaged.names("task"))
    for name in packaged.names("task"):
        assert load_task(name).examples
    for name in packaged.names("machine"):
        assert get_machine(name).n_states >= 1


@pytest.mark.parametrize("config, key", [
    ({**SMALL, "machines": []}, "machines"),
    ({"kind": "deception-selection", "bases": []}, "bases"),
    ({"kind": "deception-selection", "families": []}, "families"),
])
def test_empty_lists_are_config_errors(config, key):
    with pytest.raises(ConfigError, match=key):
        load_config(config)
