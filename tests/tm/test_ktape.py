"""The k-tape stepping loop agrees with a plain-Python twin; its cycler test is sound and finds loops."""

import json
import subprocess
import sys

import numpy as np
import pytest

from speedprior.tm import TuringMachine, _decide, _kernels, get_machine, parse_spec, run, run_batch
from speedprior.tm.machine import ACCEPT, HALT, REJECT, UNDEFINED


def naive_ktape(machine: TuringMachine, word, budget: int, max_cells: int):
    """Step a k-tape machine with dict tapes; the kernel's contract in plain Python.

    Returns (steps, stop, tapes, heads, lo, hi): positions count from the input's first cell;
    stop is a stop code, TAPE_FULL, or the state the budget ran out in. The tapes are the
    kernel's: 2n + 64 cells with the input centred, doubled (contents centred) while the
    doubled width stays within max_cells; a head that would leave the widest stops the run.
    """
    k, m, n = machine.n_tapes, machine.n_symbols, len(word)
    width = 2 * n + 64
    offset = (width - n) // 2  # where position 0 lies on the widest tape
    while 2 * width <= max_cells:
        offset += width // 2
        width *= 2
    tapes = [dict() for _ in range(k)]
    tapes[0].update({p: int(s) for p, s in enumerate(word)})
    heads = [0] * k
    lo, hi = 0, max(n, 1) - 1
    state, steps = 0, 0
    while steps < budget:
        read = sum(tapes[t].get(heads[t], 0) * m**t for t in range(k))
        target = int(machine.next_state[state, read])
        steps += 1
        if target == UNDEFINED:
            return steps, machine.undefined_code, tapes, heads, lo, hi
        for t in range(k):
            tapes[t][heads[t]] = int(machine.write[state, read, t])
            heads[t] += int(machine.move[state, read, t])
        if any(not 0 <= offset + h < width for h in heads):
            return steps, _kernels.TAPE_FULL, tapes, heads, lo, hi
        lo, hi = min(lo, *heads), max(hi, *heads)
        if target < 0:
            return steps, target, tapes, heads, lo, hi
        state = target
    return steps, state, tapes, heads, lo, hi


def random_machine(rng, states, symbols, tapes, halt=0.1, undefined=0.05, stay=1 / 3) -> TuringMachine:
    """A seeded random machine: `halt`, `undefined` and `stay` are the chances of a stop, a missing
    transition, and of a head staying put (else it moves left or right with equal chance)."""
    reads = symbols**tapes
    next_state = rng.integers(0, states, size=(states, reads))
    draw = rng.random((states, reads))
    next_state[draw < halt] = rng.choice([HALT, ACCEPT, REJECT], size=int((draw < halt).sum()))
    next_state[draw > 1 - undefined] = UNDEFINED
    return TuringMachine(next_state.astype(np.int32), rng.integers(0, symbols, size=(states, reads, tapes)),
                         rng.choice([-1, 0, 1], p=[(1 - stay) / 2, stay, (1 - stay) / 2], size=(states, reads, tapes)),
                         symbols=tuple(str(i) for i in range(symbols)),
                         undefined=str(rng.choice(["halt", "reject"])))


def tables(machine: TuringMachine):
    k = machine.n_tapes
    return (machine.next_state.reshape(-1), machine.write.reshape(-1, k),
            machine.move.reshape(-1, k).astype(np.int64))


def kernel_run(machine, word, budget, max_cells=1 << 30):
    idle = np.zeros(1, dtype=np.uint8)
    return _kernels.run_word_ktape(*tables(machine), machine.n_symbols, machine.n_tapes, machine.undefined_code,
                                   np.array(word, dtype=np.uint8), budget, max_cells, idle)


def decide(machine, word, budget, warm=8):
    return _decide.decide_word_ktape(*tables(machine), machine.n_symbols, machine.n_tapes,
                                     np.array(word, dtype=np.uint8), budget, warm)


def test_kernel_matches_the_naive_twin_on_random_machines_inputs_and_tape_limits():
    rng = np.random.default_rng(7)
    full = 0
    for case in range(600):
        k = int(rng.integers(2, 5))
        machine = random_machine(rng, int(rng.integers(1, 5)), int(rng.integers(2, 4)) if k < 4 else 2, k,
                                 halt=0.03, undefined=0.02)
        word = rng.integers(0, machine.n_symbols, size=int(rng.integers(0, 12))).tolist()
        budget = int(rng.integers(0, 3000))
        max_cells = int(rng.choice([50, 100, 200, 1 << 30]))  # below, at and above the first width
        steps, stop, tapes, lo, hi, heads = kernel_run(machine, word, budget, max_cells)
        expected = naive_ktape(machine, word, budget, max_cells)
        assert (steps, stop) == expected[:2], case
        full += stop == _kernels.TAPE_FULL
        if stop == _kernels.TAPE_FULL:
            continue
        origin = lo - expected[4]  # the kernel's index of the input's first cell
        assert hi - origin == expected[5]
        assert [h - origin for h in heads] == expected[3]
        for t in range(k):
            cells = {int(c) - origin: int(tapes[t, c]) for c in np.flatnonzero(tapes[t])}
            assert cells == {p: s for p, s in expected[2][t].items() if s}, (case, t)
    assert full > 20  # the tape limit was reached, not only ordinary stops


def test_batch_runs_on_reused_tapes_match_the_naive_twin():
    # A batch runs its words one after another on one array of tapes, as wide as the longest
    # word needs: shorter words, growth and the tape limit must not see the difference.
    rng = np.random.default_rng(9)
    for case in range(40):
        k = int(rng.integers(2, 4))
        machine = random_machine(rng, int(rng.integers(1, 4)), 2, k, halt=0.03, undefined=0.02)
        words = [rng.integers(0, 2, size=int(rng.integers(0, 40))).astype(np.uint8) for _ in range(60)]
        offsets = np.concatenate([[0], np.cumsum([len(w) for w in words])]).astype(np.int64)
        budget, max_cells = int(rng.integers(0, 800)), int(rng.choice([100, 300, 1 << 30]))
        steps, stops, ones = (np.zeros(len(words), dtype=np.int64) for _ in range(3))
        reasons = np.zeros(len(words), dtype=np.int8)
        _kernels.run_batch(*tables(machine), machine.n_symbols, k, machine.undefined_code, np.concatenate(words),
                           offsets, budget, max_cells, 0, 0, steps, stops, ones, reasons, np.zeros(1, np.uint8))
        for j, word in enumerate(words):
            expected_steps, expected_stop, expected_tapes, *_ = naive_ktape(machine, word.tolist(), budget, max_cells)
            assert (steps[j], stops[j]) == (expected_steps, expected_stop), (case, j)
            if expected_stop != _kernels.TAPE_FULL:
                assert ones[j] == sum(1 for s in expected_tapes[0].values() if s), (case, j)


def test_batch_runs_that_outgrow_the_shared_tapes_match_the_naive_twin():
    # Heads that walk 3,000 cells leave the batch's array (8 times the longest word's first
    # width) behind: the array is widened mid-run, and the next word runs on the wider one.
    machine = spec(['"a 0* -> a 1* RL"', '"a 1* -> a 0* RS"', '"a _* -> a 1* RR"'])
    words = ["", "0" * 30, "0110", "1" * 7]
    batch = run_batch(machine, words, budget=3000)
    for j, word in enumerate(words):
        steps, stop, tapes, *_ = naive_ktape(machine, machine.encode_input(word).tolist(), 3000, 1 << 30)
        assert (batch.steps[j], batch.halted[j]) == (steps, False)
        assert batch.ones[j] == sum(1 for s in tapes[0].values() if s)
    assert batch.ones[0] == 3000


def test_the_decider_run_steps_as_the_plain_run_when_it_decides_nothing():
    rng = np.random.default_rng(8)
    for _ in range(300):
        machine = random_machine(rng, int(rng.integers(1, 4)), 2, int(rng.integers(2, 4)))
        word = rng.integers(0, 2, size=int(rng.integers(0, 6))).tolist()
        t, state, steps, reason, _, _, _, _ = decide(machine, word, 500)
        if reason == _decide.NONE:
            plain = kernel_run(machine, word, 500)
            stop = machine.undefined_code if t >= 0 else state
            assert (steps + (t >= 0), stop) == (plain[0], plain[1])


LOOPERS_2TAPE = [
    # tape 1 swings between two cells while tape 2 stays put
    (['"a __ -> b 1_ RS"', '"b __ -> a __ LS"', '"a 1_ -> b 1_ RS"'], "", "cycler"),
    # both heads swing in opposite directions, writing back what they read
    (['"a ** -> b ** RL"', '"b ** -> a ** LR"'], "0110", "cycler"),
    # tape 2 walks right forever: the configuration never recurs, the run is out of budget
    (['"a ** -> a *1 SR"'], "0110", "budget"),
    # copies the input to tape 2, then halts
    (['"a 0_ -> a 00 RR"', '"a 1_ -> a 11 RR"', '"a __ -> halt __ SS"'], "0110", "halt"),
]


def spec(rules, tapes=2) -> TuringMachine:
    return parse_spec(f'name = "t"\ntapes = {tapes}\nsymbols = "_01"\nstart = "a"\n'
                      f'transitions = [{", ".join(rules)}]\n', source="t")


@pytest.mark.parametrize("rules, word, expected", LOOPERS_2TAPE)
def test_known_2tape_loopers_are_decided_and_others_are_not(rules, word, expected):
    machine = spec(rules)
    result = run(machine, word, budget=10**5)
    assert result.verdict == expected
    if expected == "cycler":
        assert not result.halted and result.steps < 1000
        batch = run_batch(machine, [word, word], budget=5000)
        assert (batch.nonhalting == _decide.CYCLER).all() and (batch.steps == 5000).all()


def test_a_3tape_machine_that_cycles_after_writing_is_decided():
    # writes 1s on tape 3 until it reads a 1 left on tape 1 by the input, then swings forever on tape 2
    machine = spec(['"a 0** -> a 0*1 RSR"', '"a 1** -> b 1** SSS"', '"a _** -> b _** SSS"',
                    '"b *_* -> c *1* SRS"', '"b *1* -> c *_* SRS"', '"c *** -> b *** SLS"'], tapes=3)
    result = run(machine, "0001", budget=10**6)
    assert result.verdict == "cycler" and not result.halted and result.ones == 4
    assert run(machine, "0001", budget=10**4, decide=False).verdict == "budget"


def test_decided_random_machines_never_halt_within_100x_their_detection_point():
    rng = np.random.default_rng(12)
    decided = 0
    for _ in range(800):
        machine = random_machine(rng, int(rng.integers(1, 4)), int(rng.integers(2, 4)), int(rng.integers(2, 4)),
                                 halt=0.05, undefined=0.0, stay=0.7)
        word = rng.integers(0, machine.n_symbols, size=int(rng.integers(0, 5))).tolist()
        _, _, steps, reason, _, _, _, _ = decide(machine, word, 2000)
        if reason != _decide.NONE:
            assert reason == _decide.CYCLER
            decided += 1
            long = kernel_run(machine, word, 100 * steps + 100)
            assert long[1] >= 0, str(machine)  # still running: no stop code
            if steps < 100:
                assert naive_ktape(machine, word, 100 * steps + 100, 1 << 30)[1] >= 0
    assert decided > 100  # the sample holds many decided machines, not only halting ones


def test_no_halting_machine_is_decided():
    rng = np.random.default_rng(13)
    halting = 0
    for _ in range(1500):
        machine = random_machine(rng, int(rng.integers(1, 4)), 2, int(rng.integers(2, 4)), halt=0.15, stay=0.7)
        word = rng.integers(0, 2, size=int(rng.integers(0, 5))).tolist()
        plain = kernel_run(machine, word, 5000)
        if plain[1] < 0:
            halting += 1
            assert decide(machine, word, 5000, warm=0)[3] == _decide.NONE, str(machine)
    assert halting > 500


def test_cli_json_gives_the_verdict_of_a_2tape_machine(tmp_path):
    path = tmp_path / "swing.toml"
    path.write_text('tapes = 2\nsymbols = "_1"\ntransitions = ["a ** -> b ** RL", "b ** -> a ** LR"]\n')
    out = subprocess.run([sys.executable, "-m", "speedprior", "tm", "run", "-m", str(path), "--json"],
                         capture_output=True, text=True, check=True).stdout
    report = json.loads(out)
    assert report["verdict"] == "cycler" and report["halted"] is False
    assert run(get_machine("sipser-0n1n-2tape"), "0011").verdict == "accept"
