"""The dovetailer and Levin phases: exact step accounting against naive round-by-round twins,
and the known fastest solvers of small tasks."""

import math

import numpy as np
import pytest

from speedprior.errors import BudgetError, UnknownNameError
from speedprior.search.dovetail import dovetail
from speedprior.search.levin import levin_search, phases
from speedprior.search.params import DovetailParams, PhaseParams
from speedprior.search.spaces import ListSpace, TNFSpace
from speedprior.search.task import Task, language_examples, load_task
from speedprior.tm.machine import UNDEFINED

EVEN = Task(tuple(language_examples("(11)*", "1", (0, 4))), budget=30, name="even")


def _stepper(machine, examples, budget):
    """Yield once per step: None while running, True after the step that solves the last example,
    False after the step that answers an example wrongly. Past `budget` steps it runs forever."""
    for index, (word, expected) in enumerate(examples):
        tape = {i: machine.symbols.index(ch) for i, ch in enumerate(word)}
        head, state, steps = 0, 0, 0
        while True:
            if steps >= budget:
                while True:
                    yield None
            read = tape.get(head, 0)
            target = int(machine.next_state[state, read])
            steps += 1
            if target == UNDEFINED:
                stop = machine.undefined_code
                break
            tape[head] = int(machine.write[state, read, 0])
            head += int(machine.move[state, read, 0])
            if target < 0:
                stop = target
                break
            state = target
            yield None
        if isinstance(expected, bool):
            ok = stop == (-2 if expected else -3)
        else:
            out = ""
            while tape.get(head, 0) != 0:
                out += machine.symbols[tape[head]]
                head += 1
            ok = out == expected
        yield (True if index == len(examples) - 1 else None) if ok else False
        if not ok:
            return


def naive_dovetail(machines, examples, budget, k, l, max_rounds):
    pending, active, total = list(enumerate(machines)), [], 0
    for r in range(1, max_rounds + 1):
        active += [(j, _stepper(mach, examples, budget)) for j, mach in pending[:l]]
        pending = pending[l:]
        if not active and not pending:
            return None, total, r - 1
        for j, gen in list(active):
            for _ in range(k):
                status = next(gen)
                total += 1
                if status is True:
                    return j, total, r
                if status is False:
                    active.remove((j, gen))
                    break
    return None, total, max_rounds


def naive_phases(machines, bits, examples, budget, max_phase):
    order = sorted(range(len(machines)), key=lambda j: (math.ceil(bits[j]), j))
    first, total, last_failure = math.ceil(min(bits)), 0, 0
    for i in range(first, max_phase + 1):
        alive = False
        for j in order:
            length = math.ceil(bits[j])
            if length > i:
                continue
            gen = _stepper(machines[j], examples, budget)
            for _ in range(2 ** (i - length)):
                status = next(gen)
                total += 1
                if status is True:
                    return j, total, i - first + 1
                if status is False:
                    break
            else:
                alive = True
        if not alive and all(math.ceil(b) <= i for b in bits):
            return None, total, i - first + 1
        last_failure = i
    return None, total, last_failure - first + 1


def _random_space(seed, size, task=EVEN):
    rng = np.random.default_rng(seed)
    programs = list(TNFSpace.for_task(task))
    picks = sorted(rng.choice(len(programs), size=size, replace=False).tolist())
    return [programs[i].machine for i in picks], rng


@pytest.mark.parametrize("seed", range(8))
def test_dovetail_accounting_matches_a_round_by_round_simulation(seed):
    machines, rng = _random_space(seed, 40)
    solver = next(m.machine for m in TNFSpace.for_task(EVEN) if m.name == "1R+0RB_1R-1RA")
    machines.insert(int(rng.integers(0, len(machines) + 1)), solver)  # at least one solver, anywhere
    k, l = int(rng.integers(1, 6)), int(rng.integers(1, 5))
    result, found = dovetail(ListSpace(tuple(machines)), EVEN, budget=EVEN.budget, params=DovetailParams(k, l, 400))
    winner, total, rounds = naive_dovetail(machines, EVEN.pairs(), EVEN.budget, k, l, 400)
    assert (result.index, result.total_steps, result.rounds) == (winner, total, rounds)
    assert found is not None and found.index == winner


def test_dovetail_without_a_solver_runs_every_program_to_its_end_or_the_last_round():
    machines, _ = _random_space(3, 12)
    examples = [("1", True), ("11", True), ("111", True), ("", False)]  # no 2-state program here solves it
    result, found = dovetail(ListSpace(tuple(machines)), examples, budget=20, params=DovetailParams(2, 3, 60))
    winner, total, rounds = naive_dovetail(machines, examples, 20, 2, 3, 60)
    assert found is None and not result.found and (result.total_steps, result.rounds) == (total, rounds)
    assert winner is None


@pytest.mark.parametrize("seed", range(6))
def test_phase_accounting_matches_a_phase_by_phase_simulation(seed):
    machines, rng = _random_space(100 + seed, 25)
    solver = next(m.machine for m in TNFSpace.for_task(EVEN) if m.name == "1R+1RB_1R-0RA")
    machines.insert(int(rng.integers(0, len(machines) + 1)), solver)
    bits = rng.uniform(1, 6, size=len(machines)).round(1).tolist()
    result, found = phases(ListSpace(tuple(machines), tuple(bits)), EVEN, budget=EVEN.budget, params=PhaseParams(20))
    winner, total, rounds = naive_phases(machines, bits, EVEN.pairs(), EVEN.budget, 20)
    assert (result.index, result.total_steps, result.rounds) == (winner, total, rounds)


def test_dovetailer_starting_everything_at_once_finds_the_fastest_solver():
    space = TNFSpace.for_task(EVEN)
    result, found = dovetail(space, EVEN, budget=EVEN.budget, params=DovetailParams(k=1, l=10_000))
    costs = {p.name: p for p in space}
    assert found.name == "1R+0RB_1R-0RA" and result.rounds == 15  # 1 + 2 + 3 + 4 + 5 steps
    assert len(costs) == 3835


@pytest.mark.parametrize("params, kwargs", [(DovetailParams(), {}), (DovetailParams(k=3, l=2), {}),
                                            (PhaseParams(), {}), (PhaseParams(), {"order": "length"})])
def test_searches_find_the_known_fastest_unary_even_decider(params, kwargs):
    result = levin_search(load_task("unary-even"), params=params, **kwargs)
    assert result.found and result.program == result.fastest_program == "1R+0RB_1R-0RA"
    assert (result.found_mean_steps, result.found_max_steps, result.fastest_max_steps) == (5.0, 9, 9)
    assert result.forwarding_mean == 1.0 and result.solvers == 4


def test_phases_find_the_fastest_successor_and_report_the_steps():
    result = levin_search(load_task("unary-successor"), params=PhaseParams())
    assert result.program == result.fastest_program == "1LB1LA_0RZ---"
    assert result.params["found_phase"] == 18 + math.ceil(math.log2(2 + 3 + 3 + 3 + 3))
    assert result.found_mean_steps == 2.8 and result.forwarding_mean == 1.0


def test_forwarding_figure_shows_a_slower_solver_found_first():
    result = levin_search(load_task("unary-one"), params=DovetailParams())
    assert result.program == "1LB0LA_0RZ---" and result.fastest_program == "1RB1RB_0LZ0LZ"
    assert (result.found_mean_steps, result.fastest_mean_steps) == (2.8, 2.0)
    assert result.forwarding_mean == pytest.approx(1.4) and result.forwarding_max == 1.5


def test_bad_search_parameters():
    with pytest.raises(BudgetError, match="K"):
        DovetailParams(k=0)
    with pytest.raises(BudgetError, match="max_phase"):
        PhaseParams(max_phase=63)
    with pytest.raises(BudgetError):
        dovetail(ListSpace(()), EVEN, params=PhaseParams())
    with pytest.raises(BudgetError, match="step budget"):
        dovetail(ListSpace(()), EVEN, budget=0)
    with pytest.raises(UnknownNameError):
        levin_search(EVEN, params="simulated-annealing")
    with pytest.raises(TypeError):  # hyperparameters are keyword-only
        dovetail(ListSpace(()), EVEN, 1, 1)
    with pytest.raises(UnknownNameError):
        levin_search(EVEN, order="alphabetical")
