"""`speedprior tm enumerate` and `speedprior search levin|anneal`: exact JSON, one-line errors."""

import json

import pytest


def test_tm_enumerate_json(cli):
    code, out, _ = cli("tm", "enumerate", "--states", "3", "--json")
    result = json.loads(out)
    assert code == 0
    assert {"machines", "halted", "max_steps", "max_steps_machine", "max_ones", "max_ones_machine",
            "seconds"} <= set(result)
    assert (result["machines"], result["max_steps"], result["max_ones"]) == (16_549, 21, 6)
    assert result["max_steps_machine"] == "1RB1RZ_1LB0RC_1LC1LA"


def test_search_levin_json(cli):
    code, out, _ = cli("search", "levin", "--task", "unary-even", "--schedule", "dovetail",
                       "--k", "2", "--l", "3", "--json")
    result = json.loads(out)
    assert code == 0 and result["program"] == "1R+0RB_1R-0RA"
    assert {"program", "total_steps", "found_mean_steps", "fastest_mean_steps", "found_max_steps",
            "fastest_max_steps", "forwarding_mean"} <= set(result)
    assert result["params"]["k"] == 2 and result["params"]["l"] == 3 and result["total_steps"] > 0


def test_search_levin_phases_from_a_file(cli, tmp_path):
    path = tmp_path / "task.toml"
    path.write_text('states = 2\nbudget = 50\nexamples = [["", true], ["1", false], ["11", true]]\n')
    code, out, _ = cli("search", "levin", "--task", str(path), "--schedule", "phases", "--json")
    result = json.loads(out)
    assert code == 0 and result["found"] and result["schedule"] == "phases"


def test_search_anneal_json(cli):
    code, out, _ = cli("search", "anneal", "--task", "unary-one", "--json")
    result = json.loads(out)
    assert code == 0 and result["selected"] == "1RB1RB_0LZ0LZ"
    assert result["c_trajectory"] == [1.0, 2.0, 1.6, 1.68, 1.764, 1.8522, 1.94481, 2.042051]


@pytest.mark.parametrize("argv", [
    ("search", "levin", "--task", "no-such-task"),
    ("search", "levin", "--task", "unary-even", "--schedule", "sideways"),
    ("search", "levin", "--task", "unary-even", "--k", "0"),
    ("search", "anneal", "--task", "unary-even", "--grow", "0.5"),
    ("search", "anneal", "--task", "unary-even", "--measure", "fastness"),
    ("tm", "enumerate", "--states", "0"),
])
def test_bad_input_is_one_line_and_exit_2(cli, argv):
    code, out, err = cli(*argv)
    assert code == 2 and out == "" and err.startswith("speedprior: error:") and err.count("\n") == 1


def test_search_json_is_strict_json(cli):
    # A measure that is infinite for most programs: nothing non-finite may reach the JSON.
    code, out, _ = cli("search", "anneal", "--task", "unary-even", "--measure", "max", "--json")
    assert code == 0
    json.loads(out, parse_constant=lambda name: pytest.fail(f"--json printed {name}"))
    code, out, _ = cli("search", "levin", "--task", "unary-even", "--schedule", "phases", "--json")
    assert code == 0
    json.loads(out, parse_constant=lambda name: pytest.fail(f"--json printed {name}"))


def test_cli_defaults_are_the_library_defaults():
    import dataclasses
    import inspect

    from speedprior.cli.search import anneal, levin
    from speedprior.search.params import AnnealSchedule, DovetailParams, PhaseParams

    def defaults(command):
        return {name: p.default.default for name, p in inspect.signature(command).parameters.items()}

    for params, command in ((DovetailParams(), levin), (PhaseParams(), levin), (AnnealSchedule(), anneal)):
        options = defaults(command)
        for field in dataclasses.fields(params):
            if field.name == "refine":
                assert options["no_refine"] is (not params.refine)
            elif field.name != "max_probes":  # not a CLI option
                assert options[field.name] == getattr(params, field.name), field.name
