"""What a run directory promises when things go wrong: FAILED markers, summary.json last, Ctrl-C, fuzzed configs."""

import json
import os
import signal
import subprocess
import sys
import time
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speedprior.errors import ConfigError, SpeedpriorError
from speedprior.experiments import KINDS, load_config, load_kind, run_config

SMALL = {"kind": "tm-compare", "name": "small", "machines": ["bb2"], "inputs": [{"name": "a", "lengths": "0:2"}]}


def test_a_run_that_fails_writes_failed_and_no_summary(tmp_path, monkeypatch):
    module = load_kind("tm-compare")

    def broken(config, ctx):
        ctx.log(step=1)
        raise RuntimeError("the kernel fell over")

    monkeypatch.setattr(module, "run", broken)
    with pytest.raises(RuntimeError):
        run_config(SMALL, tmp_path / "run", quiet=True)
    assert (tmp_path / "run" / "FAILED").read_text() == "RuntimeError: the kernel fell over\n"
    assert not (tmp_path / "run" / "summary.json").exists()
    assert (tmp_path / "run" / "config.json").is_file()


def test_summary_json_is_never_half_written(tmp_path, monkeypatch):
    """A summary that cannot be serialised leaves no summary.json (nor a temporary file), and FAILED says why."""
    module = load_kind("tm-compare")
    original = module.run
    monkeypatch.setattr(module, "run", lambda config, ctx: {**original(config, ctx), "bad": object()})
    with pytest.raises(TypeError):
        run_config(SMALL, tmp_path / "run", quiet=True)
    names = {p.name for p in (tmp_path / "run").iterdir()}
    assert "summary.json" not in names and not any(n.endswith(".partial") for n in names)
    assert "not JSON serializable" in (tmp_path / "run" / "FAILED").read_text()


def test_summary_json_is_written_after_the_report(tmp_path):
    run_config(SMALL, tmp_path / "run", quiet=True)
    files = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "run").iterdir()}
    assert files["summary.json"] == max(files.values())


@pytest.mark.parametrize("name", ["../../x", "/abs/path", "a\x00b", "", ".hidden", "a/b", "x" * 101])
def test_unsafe_names_are_refused(name):
    with pytest.raises(ConfigError, match="config key 'name'"):
        load_config({**SMALL, "name": name})


def test_default_run_directory_stays_under_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    summary = run_config(SMALL, quiet=True)
    run_dir = (tmp_path / summary["run_dir"]).resolve()
    assert run_dir.parent == (tmp_path / "runs").resolve() and run_dir.name.startswith("small-")


def test_non_utf8_config_is_one_parse_error(tmp_path):
    path = tmp_path / "c.toml"
    path.write_bytes("kind = 'tm-compare'\nname = 'caf\u00e9'\n".encode("latin-1"))
    with pytest.raises(SpeedpriorError, match="not UTF-8"):
        load_config(path)


@pytest.mark.parametrize("text", ["kind = " + "[" * 5000 + "]" * 5000,
                                  "kind = 'tm-compare'\nmachines = " + "[" * 5000 + "]" * 5000])
def test_deeply_nested_toml_is_one_config_error(tmp_path, text):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_config(path)


def test_ctrl_c_during_a_run_exits_130_with_one_line_and_marks_the_run(tmp_path):
    config = tmp_path / "c.toml"
    # long enough that the interrupt lands while trials run (pure Python between kernel calls)
    config.write_text("kind = 'deception-selection'\ntrials = 100000\nmemory_trials = 100000\n")
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "speedprior", "run", str(config), "--out", str(tmp_path / "run")],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (tmp_path / "run" / "config.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert process.returncode == 130, stderr
    assert lines == ["speedprior: interrupted"]
    assert (tmp_path / "run" / "FAILED").read_text() == "interrupted (Ctrl-C)\n"
    assert not (tmp_path / "run" / "summary.json").exists()


# --- fuzzing: whatever a config holds, loading it either validates or raises a SpeedpriorError ---

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                    st.sampled_from(["max", "average", "bb2", "unary-one", "all", "lengths", "q0.5", "1:3", "../x"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)
FIELD_NAMES = sorted({name for kind in KINDS for name in load_kind(kind).Config.model_fields} | {"bogus"})
CONFIGS = st.builds(lambda kind, fields: {"kind": kind, **fields},
                    st.one_of(st.sampled_from(KINDS), SCALARS),
                    st.dictionaries(st.sampled_from(FIELD_NAMES), VALUES, max_size=5))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CONFIGS)
def test_fuzzed_config_dicts_validate_or_raise_speedprior_errors(raw):
    try:
        config = load_config(raw)
    except SpeedpriorError as error:
        assert "\n" not in str(error)
        return
    json.dumps(config.model_dump(mode="json"), allow_nan=False)  # a config that validates is plain, finite data


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_fuzzed_toml_text_validates_or_raises_speedprior_errors(text, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "c.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_config(path)
    except SpeedpriorError:
        pass


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from(KINDS), fields=st.dictionaries(st.sampled_from(FIELD_NAMES), SCALARS, max_size=3))
def test_fuzzed_toml_documents_validate_or_raise_speedprior_errors(kind, fields, tmp_path_factory):
    lines = [f"kind = {json.dumps(kind)}"]
    for key, value in fields.items():
        if key == "kind" or value is None or (isinstance(value, float) and value != value):
            continue
        lines.append(f"{key} = {_toml(value)}")
    path = tmp_path_factory.mktemp("fuzz") / "c.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert tomllib.loads(path.read_text())["kind"] == kind
    try:
        load_config(path)
    except SpeedpriorError:
        pass


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "inf" if value == float("inf") else "-inf" if value == float("-inf") else repr(value)
    if isinstance(value, str):  # a TOML basic string: control characters and DEL escaped, the rest literal
        return '"' + "".join(f"\\u{ord(c):04x}" if c < " " or c in '"\\\x7f' else c for c in value) + '"'
    return json.dumps(value)
