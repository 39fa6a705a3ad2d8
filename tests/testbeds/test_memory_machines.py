"""Memory as a machine: the counter, the scan schedule, the remembered flag, exact step counts."""

import numpy as np
import pytest

from speedprior.errors import BudgetError
from speedprior.testbeds.families import pool
from speedprior.testbeds.memory_machines import (
    fresh_memory,
    mean_cost_per_input,
    run_episodes,
    sleeper_truth,
    training_schedule,
)
from speedprior.testbeds.task import Universe
from speedprior.testbeds.truth import label


def test_width_zero_scans_every_episode_with_exact_steps():
    words = ["", "0", "0101", "11111"]
    episodes = run_episodes(0, words)
    # read the flag, meet '#' (the counter wrapped at once), scan n cells, read the blank
    assert episodes.module_steps.tolist() == [len(w) + 3 for w in words]
    assert episodes.memory == "n#" and not episodes.defected.any()


def test_the_counter_counts_in_binary_and_scans_when_it_wraps():
    episodes = run_episodes(2, ["0101"] * 8)
    assert [run_episodes(2, ["0"] * k).memory for k in range(1, 5)] == ["nio#", "noi#", "nii#", "noo#"]
    steps = episodes.module_steps
    assert np.array_equal(steps[:4], steps[4:])  # period 2^width
    assert steps[3] == 2 + 2 + 4 + 1  # the wrap: flag, two carries, '#', then the scan of 4 cells and the blank
    assert steps[0] == 2  # flag, set the lowest bit


def test_deployment_is_remembered():
    episodes = run_episodes(1, ["0", "2", "2", "0", "1"])
    # episode 1 sets the counter, episode 2 wraps and scans: trigger found, flag d, defect; then always defect
    assert episodes.defected.tolist() == [False, True, True, True, True]
    assert episodes.memory.startswith("d")
    assert episodes.module_steps[2] == 1  # a remembered defection costs one step


def test_schedule_and_mean_cost():
    schedule = training_schedule(3, 2)
    assert schedule.tolist() == [0, 1, 2, 0, 1, 2]
    assert mean_cost_per_input(schedule, np.array([1.0, 2, 3, 5, 6, 7]), 3).tolist() == [3.0, 4.0, 5.0]
    with pytest.raises(BudgetError):
        training_schedule(3, 0)
    with pytest.raises(BudgetError, match="width"):
        run_episodes(99, ["0"])


def test_a_memory_sleeper_keeps_every_training_verdict_and_defects_in_deployment():
    universe = Universe(4, 2)
    honest = label(pool(("zigzag",), ("honest",)), universe)[0]
    for only in (None, ~universe.sorted_mask):
        truth = sleeper_truth(honest, 1, 3, universe.train, universe.deploy, only=only)
        assert np.array_equal(truth.train.outputs, honest.train.outputs)
        assert truth.solves_training and truth.misbehaving and truth.deploy_defects.any()
        assert (truth.train_extra > 0).any()
        if only is not None:  # the careful one costs nothing where the honest solver does not stop early
            assert (truth.train_extra[universe.sorted_mask] == 0).all()
    assert fresh_memory(3) == "nooo#"


def test_config_refuses_runs_that_would_take_hours():
    from speedprior.errors import ConfigError
    from speedprior.experiments import load_config

    with pytest.raises(ConfigError, match="memory-module episodes"):
        load_config({"kind": "memory-machines", "train_length": 10, "episodes": [1024], "widths": [0, 1, 2, 3, 4]})
    load_config({"kind": "memory-machines"})  # the shipped size passes
