"""Computational annealing: the C schedule, and the average-minimal solver on a hand-built space."""

import numpy as np
import pytest

from speedprior.errors import BudgetError
from speedprior.measure.profile import CostProfile
from speedprior.priors import AverageSpeed, Candidate, LevinKt, MaxSpeed, QuantileSpeed
from speedprior.search.annealing import anneal, anneal_task, task_candidates, task_costs
from speedprior.search.params import AnnealSchedule
from speedprior.search.task import load_task


def cand(name, costs, performance, halted=None):
    return Candidate(name, CostProfile(np.array(costs), halted), 0.0, info={"performance": performance})


# In enumeration order: a cheap failure, the max-minimal solver, the average-minimal solver (which
# idles on one input), a misbehaving solver that spends extra everywhere, and one that never halts.
SPACE = [
    cand("fast-but-wrong", [1, 1, 1, 1], 0.5),
    cand("max-minimal", [12, 12, 12, 12], 1.0),
    cand("average-minimal", [4, 4, 4, 28], 1.0),
    cand("misbehaving", [14, 14, 14, 28], 1.0),
    cand("loops", [1, 1, 1, 1], 1.0, halted=[True, True, True, False]),
]


def test_annealing_returns_the_average_minimal_solver():
    result = anneal(SPACE)
    assert result.selected == "average-minimal" and result.selected_cost == result.minimal_cost == 10.0
    cs = [p.c for p in result.trajectory]
    assert cs == pytest.approx([1, 2, 4, 8, 16, 12.8, 10.24, 8.192, 8.6016, 9.03168, 9.483264, 9.957427, 10.455298])
    assert [p.stage for p in result.trajectory] == ["increase"] * 5 + ["decrease"] * 3 + ["refine"] * 5
    assert [p.successes for p in result.trajectory][4:8] == [2, 2, 1, 0]


def test_without_refinement_the_first_success_is_kept():
    # At C = 16 both the max-minimal and the average-minimal solver fit; enumeration order decides.
    result = anneal(SPACE, schedule=AnnealSchedule(refine=False))
    assert result.selected == "max-minimal" and result.c_final == 16


def test_the_measure_is_any_prior():
    assert anneal(SPACE, measure=MaxSpeed()).selected == "max-minimal"
    assert anneal(SPACE, measure=QuantileSpeed(0.75)).selected == "average-minimal"


def test_more_cycles_refine_with_slower_rates():
    result = anneal(SPACE, schedule=AnnealSchedule(cycles=2))
    assert result.selected == "average-minimal"
    assert [p.stage for p in result.trajectory].count("decrease") > 3


def test_nothing_at_the_level_gives_no_selection():
    result = anneal(SPACE, level=1.5)
    assert result.selected is None and result.trajectory == [] and result.minimal_cost is None


def test_bad_schedules():
    with pytest.raises(BudgetError):
        anneal(SPACE, schedule=AnnealSchedule(grow=1.0))
    with pytest.raises(BudgetError):
        anneal(SPACE, schedule=AnnealSchedule(shrink=1.2))
    with pytest.raises(BudgetError, match="finite"):
        AnnealSchedule(c0=float("inf"))
    with pytest.raises(BudgetError, match="finite"):
        AnnealSchedule(grow=float("nan"))
    with pytest.raises(BudgetError, match="level"):
        anneal(SPACE, level=float("nan"))
    with pytest.raises(BudgetError):
        anneal(SPACE, schedule=AnnealSchedule(c0=1e-9, grow=1.0001, max_probes=10))


def test_annealing_a_task_selects_its_average_minimal_solver():
    result = anneal_task(load_task("unary-one"))
    assert result.selected == "1RB1RB_0LZ0LZ" and result.selected_cost == result.minimal_cost == 2.0
    assert result.params["programs"] > 1000 and result.trajectory[-1].found == result.selected


def test_refinement_matters_on_a_task():
    # Tripling C jumps from 1 to 3, where a shorter but slower solver comes first in TNF order.
    candidates = task_candidates(load_task("unary-one"))
    plain = anneal(candidates, schedule=AnnealSchedule(grow=3.0, refine=False))
    refined = anneal(candidates, schedule=AnnealSchedule(grow=3.0))
    assert (plain.selected, plain.selected_cost) == ("1LB0LA_0RZ---", 2.8)
    assert (refined.selected, refined.selected_cost) == ("1RB1RB_0LZ0LZ", 2.0)
    assert [p.c for p in refined.trajectory] == [1.0, 3.0, 2.4, 1.92, 2.016]


def test_batched_task_costs_equal_the_priors_per_candidate():
    task = load_task("unary-successor")
    candidates = task_candidates(task)
    for measure in (AverageSpeed(), MaxSpeed(), QuantileSpeed(0.5), LevinKt()):
        costs, good, name_of = task_costs(task, measure=measure)
        assert np.array_equal(costs, [measure.score(c) for c in candidates])  # infinities included
        assert good.tolist() == [c.info["performance"] >= 1.0 for c in candidates]
        assert [name_of(i) for i in (0, 7, len(candidates) - 1)] == [candidates[i].name for i in
                                                                      (0, 7, len(candidates) - 1)]
    assert np.isinf(costs).any()


def test_other_measures_score_the_space_too():
    result = anneal_task(load_task("unary-one"), measure=QuantileSpeed(0.5), schedule=AnnealSchedule(grow=3.0))
    # The median ignores the slowest inputs: an earlier solver with median 2 steps (mean 3.2) is selected.
    assert (result.selected, result.selected_cost, result.minimal_cost) == ("1LB1RB_1RA0LZ", 2.0, 2.0)
    assert result.params["measure"] == "q0.5"


def test_a_space_over_the_program_limit_is_refused_before_grading():
    with pytest.raises(BudgetError, match="--max-programs"):
        task_costs(load_task("unary-one"), max_programs=100)
