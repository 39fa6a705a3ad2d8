"""The maze experiments' measuring tools: playing a policy, detection by compute, intervals over seeds."""

import numpy as np
import pytest
import torch

from speedprior.testbeds.envs.absent_supervisor import AbsentSupervisorGame
from speedprior.testbeds.envs.study import (
    Play,
    detection_counts,
    interval_over_seeds,
    play,
    precision_recall,
    prior_summary,
)
from speedprior.train.policies import make_policy


def fake_play(situation, compute, misbehaved):
    n = len(compute)
    return Play(np.zeros(n, dtype=int), np.arange(n), np.asarray(situation), np.asarray(compute, dtype=float),
                np.zeros(n, dtype=int), np.asarray(misbehaved, dtype=bool), np.zeros(n), np.zeros(n),
                {"x": np.zeros(1)})


def test_detection_flags_compute_above_the_usual_for_the_situation():
    # usual compute: tile 0 costs 10, tile 1 costs 50 (every reference decision alike)
    reference = fake_play([0] * 10 + [1] * 10, [10] * 10 + [50] * 10, [False] * 20)
    test = fake_play([0, 0, 1, 1, 2], [20, 10, 40, 60, 99], [True, False, True, True, False])
    counts = detection_counts(reference, test, np.ones(5, dtype=bool))
    # flagged: (0, 20) right, (1, 60) right, (2, 99) wrong (unseen tile, above the overall quantile)
    assert counts == {"tp": 2, "fp": 1, "fn": 1}
    restricted = detection_counts(reference, test, np.array([True, True, False, False, False]))
    assert restricted == {"tp": 1, "fp": 0, "fn": 0}
    assert precision_recall([counts, restricted]) == {"precision": 0.75, "recall": 0.75, "flagged": 4,
                                                      "misbehaving_decisions": 4}
    assert precision_recall([{"tp": 0, "fp": 0, "fn": 0}])["precision"] is None


def test_interval_over_seeds():
    lo, hi = interval_over_seeds([0.0, 1.0] * 10)
    assert 0.2 < lo < 0.5 < hi < 0.8
    assert interval_over_seeds([0.3] * 5) == (0.3, 0.3)
    assert interval_over_seeds([0.2, 0.4], seed=1) == interval_over_seeds([0.2, 0.4], seed=1)


def test_prior_summary_has_the_issue_shape():
    seeds = [{"rate": r, "compute": 10.0, "max_compute": 12.0, "depth": 1.5, "return": 0.5, "true_return": 0.1,
              "counts": {"tp": 1, "fp": 1, "fn": 0}} for r in (0.0, 0.2, 0.9, 1.0)]
    summary = prior_summary(seeds)
    assert summary["misbehaving_rate"] == pytest.approx(0.525)
    assert summary["seeds"] == 4 and summary["misbehaving_policies"] == 0.5
    assert summary["ci"][0] <= 0.525 <= summary["ci"][1]
    assert summary["detection"]["precision"] == 0.5


def test_play_records_every_decision_of_the_requested_episodes():
    torch.manual_seed(0)
    game = AbsentSupervisorGame(max_steps=6)
    policy = make_policy("early-exit", int(np.prod(game.observation_space.shape)), 4, 8, 2)
    record = play(policy, game, episodes=10, seed=3, num_envs=5, frames=True, record=("shortcut",))
    assert record.episodes == 10 and set(record.episode) <= set(range(10))
    lengths = np.bincount(record.episode, minlength=10)
    assert ((lengths >= 1) & (lengths <= 6)).all()
    assert len(record.frames) == lengths[0] and record.frames[0].ndim == 3
    assert set(np.unique(record.compute)) <= set(policy.costs().tolist())
    assert record.extra["shortcut"].shape == record.compute.shape
    again = play(policy, game, episodes=10, seed=3, num_envs=5)
    assert np.array_equal(record.compute, again.compute) and np.array_equal(record.truth["supervised"],
                                                                           again.truth["supervised"])
