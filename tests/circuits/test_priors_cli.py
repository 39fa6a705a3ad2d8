"""Circuit priors and the `speedprior circuit` commands."""

from __future__ import annotations

import json

import pytest

from speedprior.circuits.synthesis import synthesize
from speedprior.errors import UnknownNameError
from speedprior.priors import Candidate, CircuitDepth, CircuitSize, get_prior


def test_circuit_priors_rank_circuits_and_resolve_by_name():
    small = Candidate("xaig", program=synthesize(0x6996, 4, "xaig").circuit)  # size 3, depth 2
    large = Candidate("and-or-not", program=synthesize(0x6, 2, "and-or-not").circuit)  # size 4, depth 3
    recorded = Candidate("info", info={"size": 5, "depth": 1})
    assert CircuitSize().scores([small, large, recorded]).tolist() == [3, 4, 5]
    assert CircuitDepth().scores([small, large, recorded]).tolist() == [2, 3, 1]
    assert CircuitDepth().select([small, large, recorded]) == 2
    assert isinstance(get_prior("circuit-size"), CircuitSize)
    assert get_prior("circuit-size+2*circuit-depth").score(small) == 7
    with pytest.raises(UnknownNameError):
        CircuitSize().score(Candidate("none"))


def test_min_json(cli):
    code, out, _ = cli("circuit", "min", "--truth-table", "e8", "--inputs", "3", "--basis", "aig",
                           "--json")
    result = json.loads(out)
    assert code == 0
    assert set(result) == {"size", "depth", "circuit", "minimal_count", "classes", "seconds"}
    assert (result["size"], result["depth"], result["minimal_count"], result["classes"]) == (4, 3, 6, 2)
    code, out, _ = cli("circuit", "min", "--truth-table", "8000", "--inputs", "4", "--measure",
                           "depth", "--json")
    assert json.loads(out)["depth"] == 2


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--truth-table", "e8a", "--inputs", "3"], "hex digit"),
        (["--truth-table", "e8", "--inputs", "3", "--basis", "nand"], "unknown basis"),
        (["--truth-table", "e8", "--inputs", "3", "--measure", "width"], "unknown measure"),
        (["--truth-table", "e8", "--inputs", "7"], "0..4 inputs"),
        (["--truth-table", "6996", "--inputs", "4", "--basis", "xaig", "--limit", "3"], "more than 3 minimal"),
        (["--truth-table", "e8", "--inputs", "3", "--limit", "0"], "--limit"),
    ],
)
def test_min_bad_input_is_one_line_exit_2(cli, argv, message):
    code, out, err = cli("circuit", "min", *argv, "--json")
    assert code == 2 and out == ""
    assert err.startswith("speedprior: error:") and message in err and err.count("\n") == 1


def test_file_commands(cli, tmp_path):
    path = tmp_path / "maj.circ"
    path.write_text("inputs a b c\nab = AND(a, b)\no = OR(a, b)\nt = AND(c, o)\nm = OR(ab, t)\noutputs m\n")
    code, out, _ = cli("circuit", "info", str(path), "--json")
    assert code == 0 and json.loads(out) == {"inputs": 3, "outputs": 1, "basis": "and-or-not", "size": 4,
                                             "depth": 3, "output_depths": [3], "truth_tables": ["e8"]}
    code, out, _ = cli("circuit", "eval", str(path), "--input", "110", "--input", "100", "--json")
    assert json.loads(out)["rows"] == [{"input": "110", "output": "1"}, {"input": "100", "output": "0"}]
    aag = tmp_path / "maj.aag"
    code, out, _ = cli("circuit", "convert", str(path), "--to", "aag", "--out", str(aag), "--json")
    assert code == 0 and aag.read_text().startswith("aag 7 3 0 1 4")
    code, out, _ = cli("circuit", "info", str(aag), "--json")
    assert json.loads(out)["truth_tables"] == ["e8"]
    png = tmp_path / "maj.png"
    code, out, _ = cli("circuit", "draw", str(path), "--out", str(png), "--json")
    assert code == 0 and png.read_bytes()[:4] == b"\x89PNG"
    cyclic = tmp_path / "loop.bench"
    cyclic.write_text("INPUT(a)\nOUTPUT(x)\nx = AND(a, y)\ny = OR(x, a)\n")
    code, _, err = cli("circuit", "info", str(cyclic), "--json")
    assert code == 2 and "cyclic" in err and err.count("\n") == 1


def test_tableau_command(cli):
    code, out, _ = cli("circuit", "tableau", "--machine", "sipser-0n1n-halving", "--n", "3", "--json")
    result = json.loads(out)
    assert code == 0 and result["checked_inputs"] == 8 and result["size"] > 0 and result["t"] > 0
    code, _, err = cli("circuit", "tableau", "--machine", "sipser-0n1n-2tape", "--n", "3", "--json")
    assert code == 2 and "1-tape" in err


def test_draw_handles_degenerate_circuits_and_names_its_output(cli, tmp_path):
    constant = tmp_path / "one.circ"
    constant.write_text("inputs\noutputs 1\n")
    code, _, _ = cli("circuit", "draw", str(constant), "--out", str(tmp_path / "one.png"))
    assert code == 0 and (tmp_path / "one.png").is_file()
    code, out, err = cli("circuit", "draw", str(constant), "--out", str(tmp_path / "one"))
    assert code == 2 and out == "" and "--out must end in .png or .dot" in err
