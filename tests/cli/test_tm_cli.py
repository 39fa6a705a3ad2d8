"""The `speedprior` CLI: exact JSON, one-line errors with exit code 2."""

import json
import subprocess
import sys

import pytest


def test_tm_run_json_is_exact(cli):
    code, out, _ = cli("tm", "run", "--machine", "bb4", "--json")
    result = json.loads(out)
    assert code == 0
    assert set(result) == {"halted", "accepted", "steps", "ones", "seconds"}
    assert (result["halted"], result["accepted"], result["steps"], result["ones"]) == (True, None, 107, 13)


def test_tm_run_with_input_gives_a_verdict(cli):
    code, out, _ = cli("tm", "run", "-m", "sipser-0n1n-2tape", "-i", "000111", "--json")
    assert code == 0 and json.loads(out)["accepted"] is True


def test_tm_stats_json(cli):
    code, out, _ = cli("tm", "stats", "--machine", "sipser-0n1n-halving", "--lengths", "0:8", "--json")
    report = json.loads(out)
    assert code == 0
    assert [row["n"] for row in report["lengths"]] == list(range(9))
    assert set(report["lengths"][0]) == {"n", "inputs", "halted", "accepted", "mean", "max", "min", "median"}
    assert report["lengths"][8]["inputs"] == 256 and report["lengths"][8]["accepted"] == 1
    assert {"mean", "max"} <= set(report["fit"]) and "class" in report["fit"]["max"]


@pytest.mark.parametrize("argv, message", [
    (["tm", "run", "--machine", "1RB1XB"], "bad transition"),
    (["tm", "run", "--machine", "1RB1LB_1LA1QZ"], "bad transition"),
    (["tm", "run", "--machine", "no-such-machine"], "not a library machine"),
    (["tm", "run", "--machine", "sipser-0n1n-zigzag", "--input", "0120"], "not in the input alphabet"),
    (["tm", "run", "--machine", "bb2", "--budget", "-5"], "budget"),
    (["tm", "stats", "--machine", "bb2", "--lengths", "9:3"], "bad length range"),
    (["tm", "stats", "--machine", "bb2", "--lengths", "a:b"], "bad length range"),
    (["tm", "run"], "Missing option"),
    (["run", "missing.toml"], "not found"),
])
def test_bad_input_is_one_line_and_exit_2(cli, argv, message):
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_console_script_reports_errors_without_traceback():
    proc = subprocess.run([sys.executable, "-m", "speedprior", "tm", "run", "-m", "1RB"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("speedprior: error:") and proc.stderr.count("\n") == 1
