"""Sweep configs: grid and list expansion × seeds, stable trial ids, every trial validated first."""

import pytest

from speedprior.errors import ConfigError, UnknownNameError
from speedprior.sweeps import expand, load_sweep

BASE = {"kind": "tm-compare", "machines": ["bb2"], "inputs": [{"name": "blank", "lengths": "0:3"}]}


def test_grid_times_points_times_seeds():
    sweep = load_sweep({"base": BASE, "grid": {"budget": [10, 20, 30]},
                        "points": [{"machines": ["bb2"]}, {"machines": ["bb3"]}], "seeds": 2})
    trials = expand(sweep)
    assert len(trials) == 3 * 2 * 2
    assert [t.seed for t in trials[:4]] == [0, 1, 0, 1]
    assert trials[0].params == {"budget": 10, "machines": ["bb2"]}
    assert trials[0].config["budget"] == 10 and trials[0].config["seed"] == 0
    assert trials[-1].config["machines"] == ["bb3"] and trials[-1].config["budget"] == 30
    assert len({t.id for t in trials}) == len(trials)
    assert [t.id for t in expand(sweep)] == [t.id for t in trials]  # ids are stable
    assert trials[0].config["inputs"][0]["lengths"] == "0:3"  # the base is filled in, defaults resolved
    assert trials[0].config["kind"] == "tm-compare"


def test_seeds_only_and_nested_parameters():
    trials = expand(load_sweep({"base": BASE, "seeds": [5, 7]}))
    assert [(t.params, t.seed) for t in trials] == [({}, 5), ({}, 7)]
    with pytest.raises(ConfigError, match="config key 'extra'"):  # a dotted name makes a nested table, validated
        expand(load_sweep({"base": BASE, "grid": {"extra.width": [1, 2]}}))
    with pytest.raises(ConfigError, match="'budget' is not a table"):
        expand(load_sweep({"base": {**BASE, "budget": 5}, "grid": {"budget.x": [1]}}))


@pytest.mark.parametrize("raw, error, message", [
    ({"base": BASE, "grid": {"colour": ["red"]}}, ConfigError, "trial 0000-.*colour"),
    ({"base": BASE, "grid": {"budget": [-1]}}, ConfigError, "budget"),
    ({"base": {**BASE, "kind": "nope"}}, UnknownNameError, "unknown experiment kind 'nope'"),
    ({"base": {"machines": ["bb2"]}}, ConfigError, "no 'kind'"),
    ({"base": BASE, "grid": {"seed": [1, 2]}}, ConfigError, "cannot be swept"),
    ({"base": BASE, "grid": {"budget": []}}, ConfigError, "no values"),
    ({"base": BASE, "seeds": [1, 1]}, ConfigError, "seeds repeat"),
    ({"base": BASE, "seeds": 0}, ConfigError, "1 to"),
    ({"base": BASE, "retries": 99}, ConfigError, "retries"),
    ({"base": BASE, "name": "../evil"}, ConfigError, "name"),
    ({"base": BASE, "surprise": 1}, ConfigError, "surprise"),
    ({"base": BASE, "points": [{"budget": 1}, {"budget": 1}]}, ConfigError, "same point"),
    ({"base": BASE, "grid": {"budget": [1]}, "points": [{"budget": 2}]}, ConfigError, "both in"),
    ({"base": BASE, "grid": {"budget": list(range(400))}, "seeds": 400}, ConfigError, "limit is 100,000"),
    ({"kind": "tm-compare"}, ConfigError, "experiment config"),
])
def test_bad_sweeps_are_refused_before_anything_runs(raw, error, message):
    with pytest.raises(error, match=message):
        expand(load_sweep(raw))


def test_shipped_demo_sweep_loads_through_the_package():
    import tomllib

    from speedprior import packaged

    assert "sweep-demo" in packaged.names("sweep")
    sweep = load_sweep(tomllib.loads(packaged.read("sweep", "sweep-demo")))
    trials = expand(sweep)
    assert sweep.name == "sweep-demo" and len(trials) == 4 * 3
    assert {tuple(t.params["priors"]) for t in trials} == {("none",), ("simplicity",), ("max",), ("average",)}
    assert all(t.config["kind"] == "deception-selection" for t in trials)
