"""TNF enumeration: exact counts, busy beaver values, and the kernel against its plain-Python twin."""

import itertools

import numpy as np
import pytest

from speedprior.errors import BudgetError, ParseError
from speedprior.search.enumerate import (
    blank_frontier,
    blank_root,
    enumerate_blank,
    search_subtrees,
    tnf_machines,
    tnf_tables,
)
from speedprior.search.evaluate import run_examples
from speedprior.tm import parse_standard, run
from speedprior.tm.machine import ACCEPT, REJECT, TuringMachine
from tests.search.naive import enumerate_blank_naive

# (states, machines, halted, max steps, max ones) for 2 symbols, budget 107; machines are bbchallenge's
# TNF-1RB counts (41, 4,057, 620,261).
KNOWN = [(1, 5, 1, 1, 1), (2, 41, 15, 6, 4), (3, 4_057, 1_379, 21, 6), (4, 620_261, 183_983, 107, 13)]


@pytest.mark.parametrize("states, machines, halted, steps, ones", KNOWN)
def test_blank_enumeration_counts_and_busy_beavers(states, machines, halted, steps, ones):
    summary = enumerate_blank(states, 2, 107)
    assert (summary.machines, summary.halted, summary.max_steps, summary.max_ones) == (machines, halted, steps, ones)
    assert summary.halted + summary.nonhalting + summary.undecided == machines
    champion = run(parse_standard(summary.max_steps_machine), "", 107)
    assert champion.halted and champion.steps == steps
    assert run(parse_standard(summary.max_ones_machine), "", 107).ones == ones


def test_four_state_champion_is_the_known_busy_beaver():
    assert enumerate_blank(4, 2, 107, workers=1).max_steps_machine == "1RB1LB_1LA0LC_1RZ1LD_1RD0RA"


def test_one_worker_and_all_workers_agree():
    assert enumerate_blank(3, 2, 50, workers=1).to_dict() | {"seconds": 0} == \
        enumerate_blank(3, 2, 50).to_dict() | {"seconds": 0}


@pytest.mark.parametrize("states, symbols, budget", [(3, 2, 107), (2, 3, 200), (1, 5, 30)])
def test_deciders_off_leaves_every_non_halting_machine_undecided(states, symbols, budget):
    plain = enumerate_blank(states, symbols, budget, decide=False)
    decided = enumerate_blank(states, symbols, budget)
    assert plain.nonhalting == 0 and decided.nonhalting > 0
    assert plain.undecided == decided.undecided + decided.nonhalting == plain.machines - plain.halted
    same = ("machines", "halted", "max_steps", "max_steps_machine", "max_ones", "max_ones_machine")
    assert {k: getattr(plain, k) for k in same} == {k: getattr(decided, k) for k in same}
    slow = enumerate_blank_naive(states, symbols, budget)
    assert {k: getattr(plain, k) for k in slow} == slow


@pytest.mark.parametrize("seed", range(6))
def test_kernel_matches_plain_python_on_random_shapes(seed):
    rng = np.random.default_rng(seed)
    states, symbols = [(1, 2), (1, 3), (2, 2), (2, 3), (3, 2), (2, 4)][seed]
    budget = int(rng.integers(0, 40))
    fast = enumerate_blank(states, symbols, budget).to_dict()
    slow = enumerate_blank_naive(states, symbols, budget)
    assert {k: fast[k] for k in slow} == slow


def test_stream_on_blank_tape_walks_the_full_tree():
    # The stream offers every transition at the last undefined one (not TNF-1RB), so it has more leaves.
    machines = list(tnf_machines(3, 2, 107))
    assert len(machines) == 16_549
    runs = [run(m, "", 107) for m in machines]
    assert sum(r.halted for r in runs) == 1_379
    assert max(r.steps for r in runs if r.halted) == 21 and max(r.ones for r in runs if r.halted) == 6
    assert str(machines[0]).startswith("1RB")


def _signature(machine, inputs, budget=30):
    result = run_examples(machine, [(w, True) for w in inputs], budget)
    verdicts = tuple(int(s) for s in np.where(result.correct, 1, 0))
    return tuple(result.steps.tolist()), tuple(result.halted.tolist()), verdicts


def test_stream_with_inputs_is_complete_up_to_renaming():
    # Every 2-state decider (all 10^4 full tables) behaves on the inputs like some TNF leaf, and back.
    inputs = ["", "1", "11", "111"]
    leaves = {_signature(m, inputs) for m in tnf_machines(2, 2, 30, inputs, ("accept", "reject"), undefined="reject")}
    options = [(c, 1, 1) for c in (ACCEPT, REJECT)] + [(q, w, d) for q in (0, 1) for w in (0, 1) for d in (-1, 1)]
    seen = set()
    for table in itertools.product(options, repeat=4):
        ns = np.array([t[0] for t in table], np.int32).reshape(2, 2)
        wr = np.array([t[1] for t in table], np.uint8).reshape(2, 2, 1)
        mv = np.array([t[2] for t in table], np.int8).reshape(2, 2, 1)
        seen.add(_signature(TuringMachine(ns, wr, mv, undefined="reject"), inputs))
    assert seen == leaves


def test_function_streams_branch_over_the_halting_write_and_move():
    # On input "1" the first branch is A1; its first four children halt with each write and move.
    first = [str(m) for m in itertools.islice(tnf_machines(2, 2, 5, ["1"]), 5)]
    assert first == ["---0LZ_------", "---0RZ_------", "---1LZ_------", "---1RZ_------", "0LZ0LA_------"]


@pytest.mark.parametrize("kwargs", [dict(states=0), dict(states=2, symbols=1), dict(states=2, budget=-1)])
def test_bad_shapes_are_errors(kwargs):
    with pytest.raises(BudgetError):
        enumerate_blank(**kwargs)


def test_inputs_outside_the_alphabet_are_errors():
    with pytest.raises(ParseError, match="not in the input alphabet"):  # the one search input encoder
        next(tnf_machines(2, 2, 10, ["2"]))


def test_two_state_three_symbol_busy_beaver():
    # S(2, 3) = 38 and Sigma(2, 3) = 9, both reached by 1RB2LB1RZ_2LA2RB1LB.
    summary = enumerate_blank(2, 3, 200)
    assert (summary.machines, summary.max_steps, summary.max_ones) == (2_833, 38, 9)
    assert summary.max_steps_machine == "1RB2LB1RZ_2LA2RB1LB"
    assert summary.machines == summary.halted + summary.nonhalting + summary.undecided


def test_halting_counts_agree_with_the_naive_twin_on_every_small_space():
    for states, symbols, budget in [(1, 2, 50), (2, 2, 50), (3, 2, 50), (2, 3, 60), (1, 5, 20)]:
        fast = enumerate_blank(states, symbols, budget).to_dict()
        slow = enumerate_blank_naive(states, symbols, budget)
        assert {k: fast[k] for k in slow} == slow


def test_out_of_reach_enumerations_are_refused():
    import pytest as _pytest

    from speedprior.errors import BudgetError
    from speedprior.search.enumerate import enumerate_blank as _enumerate_blank

    with _pytest.raises(BudgetError, match="out of reach"):
        _enumerate_blank(9, 2, 107)


def test_pruned_stream_keeps_exactly_the_machines_that_decide_the_expected_inputs():
    inputs, expected = ["", "1", "11", "111", "1111"], [True, False, True]
    examples = [(w, v) for w, v in zip(inputs, expected, strict=False)]
    def key(m):
        return m.next_state.tobytes() + m.write.tobytes() + m.move.tobytes()

    full = [key(m) for m in tnf_machines(2, 2, 30, inputs, ("accept", "reject"), undefined="reject")
            if run_examples(m, examples, 30).solved]
    pruned = [key(block.machine(i)) for block in tnf_tables(2, 2, 30, inputs, ("accept", "reject"), undefined="reject",
                                                            expected=expected) for i in range(len(block.ns))]
    assert len(full) >= 8 and pruned == full  # the same machines, in the same order
    with pytest.raises(BudgetError, match="expected verdicts"):
        next(tnf_tables(2, 2, 30, ["1"], ("accept", "reject"), expected=[True, False]))


@pytest.mark.parametrize(("states", "symbols", "budget"), [(3, 2, 12), (3, 2, 40), (2, 3, 30), (4, 2, 20)])
def test_verdicts_do_not_depend_on_where_the_tree_is_cut(states, symbols, budget):
    # Every node resumes its run (and the deciders' watch) where the walk from the root would, so
    # one walk from the root and walks cut into frontiers of any size count the same machines.
    whole = search_subtrees([blank_root(states, symbols)], states, symbols, budget)[0].sum(axis=0)
    for target in (2, 17, 300):
        nodes = blank_frontier(states, symbols, budget, target)
        cut = search_subtrees(nodes, states, symbols, budget)[0].sum(axis=0)
        assert list(cut[[0, 1, 4, 5]]) == list(whole[[0, 1, 4, 5]]), target
    for workers in (1, 2, 3):
        summary = enumerate_blank(states, symbols, budget, workers=workers)
        assert (summary.machines, summary.halted, summary.nonhalting, summary.undecided) == tuple(whole[[0, 1, 4, 5]])
