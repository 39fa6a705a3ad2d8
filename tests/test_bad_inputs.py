"""The bad-input corpus: every case in tests/bad_inputs/*.toml runs the real CLI in a subprocess.

Each case names the command line, the exit code it must end with, a pattern its one-line error
must match, and bounds on wall time and peak memory. The suite fails on any traceback, hang,
wrong exit code, multi-line error, or leftover output file.

Case keys: id, args (placeholders: {tmp} the case's empty working directory, {binary} a file of
binary bytes), exit (default 2), message (a regex searched in the error line; required unless
exit is 0), seconds (default 30), memory_mb (default 1024), files (name -> text written into
{tmp} first), absent (names that must not exist in {tmp} afterwards), stdin (text fed to stdin).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "bad_inputs"
KEYS = {"id", "args", "exit", "message", "seconds", "memory_mb", "files", "absent", "stdin"}


def _cases() -> list[dict]:
    cases = []
    for path in sorted(CORPUS.glob("*.toml")):
        for case in tomllib.loads(path.read_text(encoding="utf-8")).get("case", []):
            unknown = set(case) - KEYS
            assert not unknown, f"{path.name}: case {case.get('id')!r} has unknown keys {unknown}"
            cases.append({**case, "_file": path.name})
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids in tests/bad_inputs"
    return cases


CASES = _cases()


# Peak memory is read by a small intermediate process: on Linux a child's ru_maxrss starts from the
# memory of the process it was forked from (the exec records the old image's high-water mark), so a
# command forked straight from a large pytest worker would report the worker's size, not its own.
# The intermediate is small, forks the command, reaps it with os.wait4, writes its peak RSS (KiB) to
# a file and exits with its status.
_MEASURE = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_case(case: dict, tmp: Path) -> tuple[int, str, str, float, float]:
    """Run one case: (exit code, stdout, stderr, seconds, peak memory in MiB)."""
    binary = tmp / "binary.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    for name, text in case.get("files", {}).items():
        (tmp / name).write_text(text, encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp)).replace("{binary}", str(binary)) for a in case["args"]]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    out_path, err_path, in_path = tmp / ".stdout", tmp / ".stderr", tmp / ".stdin"
    in_path.write_text(case.get("stdin", ""))
    limit = case.get("seconds", 30)
    peak_path = tmp / ".peak"
    start = time.monotonic()
    with open(in_path) as stdin, open(out_path, "w") as stdout, open(err_path, "w") as stderr:
        process = subprocess.Popen([sys.executable, "-c", _MEASURE, str(peak_path), sys.executable, "-m",
                                    "speedprior", *args], cwd=tmp, env=env, stdin=stdin, stdout=stdout,
                                   stderr=stderr, start_new_session=True)
    while True:
        pid, status, _ = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > limit:
            os.killpg(process.pid, signal.SIGKILL)
            os.wait4(process.pid, 0)
            pytest.fail(f"{case['id']}: still running after {limit} s")
        time.sleep(0.02)
    peak_mb = int(peak_path.read_text()) / 1024
    peak_path.unlink()
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    texts = out_path.read_text(errors="replace"), err_path.read_text(errors="replace")
    for path in (out_path, err_path, in_path):
        path.unlink()
    return process.returncode, *texts, seconds, peak_mb


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input(case, tmp_path):
    code, stdout, stderr, _, peak_mb = run_case(case, tmp_path)
    expected = case.get("exit", 2)
    assert "Traceback" not in stderr, f"{case['id']}: traceback\n{stderr}"
    assert code == expected, (f"{case['id']}: exit {code}, expected {expected}\n"
                              f"stderr: {stderr}\nstdout: {stdout[-500:]}")
    if expected != 0:
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1, f"{case['id']}: expected one error line, got {lines}"
        assert lines[0].startswith("speedprior: "), lines[0]
        assert re.search(case["message"], lines[0]), f"{case['id']}: {lines[0]!r} !~ {case['message']!r}"
    assert peak_mb <= case.get("memory_mb", 1024), f"{case['id']}: peak memory {peak_mb:.0f} MiB"
    for name in case.get("absent", []):
        assert not (tmp_path / name).exists(), f"{case['id']}: left {name} behind"
