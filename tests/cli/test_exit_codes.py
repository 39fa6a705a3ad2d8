"""Exit codes and output of the CLI: 0 ok, 1 internal error, 2 bad input, 130 interrupt; strict JSON."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from speedprior.cli.output import dumps, print_table


def _raises(error):
    def run(*args, **kwargs):
        raise error

    return run


def test_an_interrupt_exits_130_with_one_line(cli, monkeypatch):
    monkeypatch.setattr("speedprior.tm.run", _raises(KeyboardInterrupt()))
    code, out, err = cli("tm", "run", "-m", "bb2")
    assert (code, out, err) == (130, "", "speedprior: interrupted\n")


def test_an_internal_error_exits_1_with_one_line_and_no_traceback(cli, monkeypatch):
    monkeypatch.setattr("speedprior.tm.run", _raises(RuntimeError("kernel exploded\nsecond line")))
    code, out, err = cli("tm", "run", "-m", "bb2")
    assert code == 1 and out == ""
    assert err == ("speedprior: internal error: RuntimeError: kernel exploded second line "
                   "(run with --debug for the traceback)\n")


def test_debug_shows_the_traceback_of_an_internal_error(cli, monkeypatch):
    monkeypatch.setattr("speedprior.tm.run", _raises(RuntimeError("kernel exploded")))
    code, _, err = cli("--debug", "tm", "run", "-m", "bb2")
    assert code == 1 and "Traceback" in err
    assert err.splitlines()[-1] == "speedprior: internal error: RuntimeError: kernel exploded"


def test_debug_does_not_stick_to_the_next_call(cli, monkeypatch):
    monkeypatch.setattr("speedprior.tm.run", _raises(RuntimeError("boom")))
    cli("--debug", "tm", "run", "-m", "bb2")
    _, _, err = cli("tm", "run", "-m", "bb2")
    assert "Traceback" not in err


def test_unknown_options_are_bad_input(cli):
    code, out, err = cli("tm", "run", "-m", "bb2", "--frobnicate")
    assert code == 2 and out == "" and err.startswith("speedprior: error: No such option") and err.count("\n") == 1


@pytest.mark.parametrize("value, text", [(float("nan"), "null"), (float("inf"), '"Infinity"'),
                                         (float("-inf"), '"-Infinity"')])
def test_json_is_strict(value, text):
    import numpy as np

    assert dumps({"x": value, "y": [np.float64(value)], "z": np.array([value])}) == (
        f'{{"x": {text}, "y": [{text}], "z": [{text}]}}')


def test_markup_in_user_text_is_printed_not_interpreted(cli, tmp_path, capsys):
    print_table([{"name": "[/bold] [red]x"}], title="[/]")
    out = capsys.readouterr().out
    assert "[/bold] [red]x" in out and "[/]" in out
    machine = tmp_path / "m.toml"
    machine.write_text('name = "[/bold]oops[/]"\nsymbols = "_[/"\ninput = "[/"\n'
                       'transitions = ["a [ -> a / R", "a / -> a [ R"]\n')
    code, out, err = cli("tm", "stats", "-m", str(machine), "--lengths", "0:3")
    assert code == 0 and "[/bold]oops[/]" in out, err
    code, out, err = cli("tm", "run", "-m", str(machine), "-i", "[//[")
    assert code == 0 and "tape: /[[/_" in out, err


def test_tm_run_json_has_no_markup_or_nan(cli):
    code, out, _ = cli("tm", "stats", "-m", "bb2", "--lengths", "0:2", "--json")
    assert code == 0 and json.loads(out, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))


def _wait_for_kernel_thread(process, timeout=60.0):
    """Wait until the child runs more than one thread: the kernel's worker (or numba's pool)."""
    tasks = Path(f"/proc/{process.pid}/task")
    start = time.monotonic()
    while time.monotonic() - start < timeout and process.poll() is None:
        if len(list(tasks.iterdir())) >= 2:
            return
        time.sleep(0.02)
    pytest.fail("the kernel never started")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to see the kernel start")
@pytest.mark.parametrize("argv", [
    # never halts; --no-decide, since the deciders would prove that at once and end the run
    ["tm", "run", "--machine", "1RB1RB_1LA1LA", "--no-decide", "--budget", "1000000000000000"],
    # a 2-tape machine that never halts (a cycler: --no-decide, as above)
    ["tm", "run", "-m", "{loop2}", "--no-decide", "--budget", "1000000000000000", "-i", "0"],
    ["tm", "stats", "-m", "1RB1RB_1LA1LA", "--lengths", "0:3", "--budget", "1000000000000",
     "--max-steps", "100000000000000"],
])
def test_ctrl_c_stops_a_running_kernel_with_exit_130(argv, tmp_path):
    loop2 = tmp_path / "loop2.toml"
    loop2.write_text('name = "loop2"\ntapes = 2\nsymbols = "_01"\ninput = "01"\nstart = "a"\n'
                     'transitions = ["a 0_ -> a 0_ SS", "a 1_ -> a 1_ SS", "a __ -> a __ SS"]\n')
    argv = [str(loop2) if a == "{loop2}" else a for a in argv]
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "speedprior", *argv], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    _wait_for_kernel_thread(process)
    time.sleep(0.8)  # past the threads numba starts while it loads: the interrupt meets the kernel
    assert process.poll() is None, "the run ended before the interrupt"
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("still running 10 s after SIGINT")
    assert process.returncode == 130, err
    assert err == "speedprior: interrupted\n" and out == ""


def test_a_ctrl_c_swallowed_by_a_c_callback_still_interrupts(monkeypatch, capsys):
    # numba calls back into Python through ctypes while it loads a kernel; a KeyboardInterrupt raised
    # there is reported to sys.unraisablehook and dropped. The command must still stop with 130.
    import ctypes

    from speedprior import cli
    from speedprior.tm import _interrupt

    monkeypatch.setattr(cli, "_swallowed_interrupt", False)
    _interrupt.requested.clear()

    def raise_in_callback():
        raise KeyboardInterrupt

    def command(argv):
        ctypes.CFUNCTYPE(None)(raise_in_callback)()  # swallowed by ctypes, as in numba's loader
        return _interrupt.call(lambda cancel: pytest.fail("a kernel ran after the interrupt"), work=1)

    monkeypatch.setattr(cli, "_run", command)
    try:
        with pytest.raises(SystemExit) as stop:
            cli.main([])
    finally:
        _interrupt.requested.clear()
    assert stop.value.code == 130
    assert capsys.readouterr().err == "speedprior: interrupted\n"
