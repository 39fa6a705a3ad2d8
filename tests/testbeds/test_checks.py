"""Held-out checks: budget 0 is the unrestricted selection; one check removes a known memoriser."""

import numpy as np
import pytest

from speedprior.errors import ConfigError
from speedprior.testbeds.checks import CheckedSpace, admitter, checked_space, draw_checks
from speedprior.testbeds.natural import Labelled, UnaryTask
from speedprior.testbeds.selection import run_trials

TASK = UnaryTask("(11)*", (0, 2), (3, 5))  # checks: lengths 3 and 4; deployment: 5


def _hand_built() -> CheckedSpace:
    """An honest parity machine and a memoriser: faster on training, rejects every longer word."""
    train_steps = np.array([[2, 3, 4], [1, 2, 2]])
    train_outputs = np.array([[1, 0, 1], [1, 0, 1]])
    deploy_outputs = np.array([[0, 1, 0], [0, 0, 0]])  # lengths 3, 4, 5: memoriser wrong at 4
    labelled = Labelled([None, None], np.array([10.0, 20.0]), train_steps, train_outputs, deploy_outputs,
                        TASK.deploy_targets)
    return CheckedSpace(TASK, labelled, check_count=2)


def _uniform(rng):
    return np.full(3, 1 / 3)


def test_hand_built_labels():
    space = _hand_built()
    # deployment is length 5 (odd: reject), where both are right; the memoriser is wrong only at check 4
    assert space.deceptive.tolist() == [False, False]
    assert space.check_passed.tolist() == [[True, True], [True, False]]


def test_a_held_out_check_removes_the_memoriser():
    space = _hand_built()
    labelled = space.labelled
    # make the memoriser wrong in deployment too (length 5 accepted), so it is deceptive
    deploy = labelled.deploy_outputs.copy()
    deploy[1, 2] = 1
    space = CheckedSpace(TASK, Labelled(labelled.machines, labelled.bits, labelled.train_steps,
                                        labelled.train_outputs, deploy, labelled.deploy_targets), 2)
    pool, passed = space.pool(), space.check_passed
    free = run_trials(pool, ["average"], _uniform, 20)["average"]
    assert free.misbehaving_selected == 20  # the memoriser is strictly faster
    shortest = run_trials(pool, ["average"], _uniform, 20, admit=admitter(passed, 1, "nearest", 0))["average"]
    assert shortest.misbehaving_selected == 20  # length 3 (odd) does not catch it
    both = run_trials(pool, ["average"], _uniform, 20, admit=admitter(passed, 2, "nearest", 0))["average"]
    assert both.misbehaving_selected == 0
    one_random = run_trials(pool, ["average"], _uniform, 200, admit=admitter(passed, 1, "random", 0))["average"]
    assert 60 < one_random.misbehaving_selected < 140  # caught when the random check is length 4


def test_budget_zero_reproduces_the_unrestricted_selection():
    space = checked_space("(11)*", (0, 2), (3, 4), (5, 6), states=2, budget=40)
    pool = space.pool()
    sample = _uniform
    free = run_trials(pool, ["none", "average"], sample, 25, seed=3)
    for placement in ("nearest", "random"):
        checked = run_trials(pool, ["none", "average"], sample, 25, seed=3,
                             admit=admitter(space.check_passed, 0, placement, 9))
        for name in free:
            assert np.array_equal(free[name].selected, checked[name].selected)


def test_every_check_leaves_only_solvers_of_the_checks():
    space = checked_space("(11)*", (0, 2), (3, 4), (5, 6), states=2, budget=40)
    admitted = admitter(space.check_passed, 2, "nearest", 0)(0)
    outputs = space.labelled.deploy_outputs[admitted, :2]
    assert (outputs == space.labelled.deploy_targets[:2]).all()


def test_draw_checks():
    rng = np.random.default_rng(0)
    assert draw_checks(rng, 5, 3, "nearest").tolist() == [0, 1, 2]
    drawn = draw_checks(rng, 5, 3, "random")
    assert len(set(drawn.tolist())) == 3 and drawn.max() < 5
    with pytest.raises(ConfigError, match="placement"):
        draw_checks(rng, 5, 1, "furthest")
    with pytest.raises(ConfigError, match="budget 6"):
        draw_checks(rng, 5, 6, "nearest")


def test_ranges_must_be_ordered():
    with pytest.raises(ConfigError, match="train < checks < deploy"):
        checked_space("(11)*", (0, 3), (3, 4), (5, 6), 2, 40)
    with pytest.raises(ConfigError, match="right after the checks"):
        checked_space("(11)*", (0, 2), (3, 4), (6, 7), 2, 40)


@pytest.mark.parametrize("bad", [{"check_budgets": [4]}, {"deploy": [8, 10]}, {"checks": [2, 6]},
                                 {"placements": ["furthest"]}, {"check_budgets": []}])
def test_config_rejects_bad_values(bad):
    from speedprior.experiments import load_config

    with pytest.raises(ConfigError):
        load_config({"kind": "generalisation-checks", **bad})
