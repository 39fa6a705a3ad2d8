"""Non-halting deciders: known loopers are decided, decisions hold up, and no halting machine is decided."""

import json
import subprocess
import sys

import numpy as np
import pytest

from speedprior.search.enumerate import tnf_machines
from speedprior.tm import TuringMachine, _decide, get_machine, parse_standard, run, run_batch
from speedprior.tm.library import BUSY_BEAVERS
from tests.naive import simulate

LOOPERS = [
    ("1RA1RA", "translated-cycler"),  # walks right forever on blanks
    ("1LA1LA", "translated-cycler"),
    ("1RB0LA_0LA1RB", "translated-cycler"),
    ("1RB0RB_1LA0LA", "cycler"),  # swings between two cells, wiping them
    ("0RB0RB_0LA0LA", "cycler"),
    ("1RB---_1LC0RB_1LA0LC", None),  # halts after a while: never decided
]


def _tables(machine: TuringMachine):
    return (machine.next_state.reshape(-1), np.ascontiguousarray(machine.write.reshape(-1)),
            np.ascontiguousarray(machine.move.reshape(-1)).astype(np.int64))


def _reason(machine: TuringMachine, budget: int, word=()) -> tuple[int, int]:
    out = _decide.decide_word(*_tables(machine), machine.n_symbols, np.array(word, np.uint8), budget, 8)
    return int(out[3]), int(out[2])


@pytest.mark.parametrize("text, expected", LOOPERS)
def test_known_loopers_are_decided(text, expected):
    result = run(parse_standard(text), budget=10**6)
    if expected is None:
        assert result.halted and result.verdict == "halt"
    else:
        assert not result.halted and result.verdict == expected and result.steps < 1000


def test_budget_is_the_verdict_of_an_undecided_run_and_halt_of_a_busy_beaver():
    counter = "1RB1LA_0LA0RB"  # a binary counter: never halts, but neither a cycler nor translated
    assert _reason(parse_standard(counter), 20_000)[0] == _decide.NONE
    assert run(parse_standard(counter), budget=20_000).verdict == "budget"
    assert run(get_machine("bb4")).verdict == "halt"


def _confirmed(machine: TuringMachine, word=()) -> int:
    """Decide a machine, and confirm a decision by simulating 100x past its proof; return the reason."""
    reason, steps = _reason(machine, 2000, word)
    if reason != _decide.NONE:
        long = 100 * steps + 100
        assert simulate(machine, list(word), long)[1] is None, str(machine)
    return reason


def test_random_machines_decisions_hold_for_100x_their_detection_point():
    rng = np.random.default_rng(12)
    decided = 0
    for _ in range(400):
        q, m = int(rng.integers(2, 5)), int(rng.integers(2, 4))
        ns = np.where(rng.random((q, m)) < 0.1, -1, rng.integers(0, q, size=(q, m))).astype(np.int32)  # few halts
        machine = TuringMachine(ns, rng.integers(0, m, size=(q, m, 1)).astype(np.uint8),
                                rng.choice([-1, 1], size=(q, m, 1)).astype(np.int8),
                                symbols=tuple(str(i) for i in range(m)))
        word = rng.integers(0, m, size=int(rng.integers(0, 5))).tolist()
        decided += _confirmed(machine, word) != _decide.NONE
    assert decided > 100  # the sample holds many decided machines, not only halting ones


@pytest.mark.parametrize("states", [2, 3])
def test_no_halting_machine_of_the_small_spaces_is_decided(states):
    # Every TNF machine of 2 and 3 states (2 symbols), in the full tree that offers every transition.
    halting = 0
    for machine in tnf_machines(states, 2, 107):
        reason, steps = _reason(machine, 107)
        halts = run(machine, budget=107, decide=False).halted
        halting += halts
        assert not (halts and reason != _decide.NONE), str(machine)
        if reason != _decide.NONE:  # and it never halts within 100x its detection point (compiled runs)
            assert not run(machine, budget=100 * steps + 100, decide=False).halted
    assert halting == {2: 15, 3: 1379}[states]


def test_busy_beavers_are_never_decided():
    for name in BUSY_BEAVERS:
        machine = get_machine(name)
        if machine.n_tapes == 1:
            assert _reason(machine, 1 << 16)[0] == _decide.NONE, name


def test_batch_runs_report_why_an_input_never_halts():
    machine = parse_standard("1RB0RB_1LA0LA")
    batch = run_batch(machine, ["", "0", "1"], budget=5000)
    assert not batch.halted.any() and (batch.steps == 5000).all()
    assert set(batch.nonhalting.tolist()) <= {_decide.CYCLER, _decide.TRANSLATED_CYCLER}
    halting = run_batch(get_machine("bb3"), [""], budget=5000)
    assert halting.halted.all() and (halting.nonhalting == 0).all()


def test_cli_json_has_the_verdict():
    out = subprocess.run([sys.executable, "-m", "speedprior", "tm", "run", "-m", "1RB0RB_1LA0LA", "--json"],
                         capture_output=True, text=True, check=True).stdout
    report = json.loads(out)
    assert report["verdict"] == "cycler" and report["halted"] is False
