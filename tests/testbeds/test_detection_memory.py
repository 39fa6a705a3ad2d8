"""Run-time detection and cross-episode memory on the TM families."""

import numpy as np
import pytest

from speedprior.testbeds import detection, memory
from speedprior.testbeds.families import pool
from speedprior.testbeds.task import Universe
from speedprior.testbeds.truth import label

UNIVERSE = Universe(train_length=5, deploy_length=2)


@pytest.fixture(scope="module")
def truths():
    return label(pool(bases=("zigzag",), kinds=("honest", "goof-easy", "goof-always", "sleeper-careful")), UNIVERSE)


def test_precision_recall_counts():
    result = detection.precision_recall(np.array([1, 1, 0, 0], bool), np.array([1, 0, 1, 0], bool))
    assert result == {"precision": 0.5, "recall": 0.5, "tp": 1, "fp": 1, "fn": 1}
    assert detection.flag(np.array([10, 12, 13]), np.array([10, 10, 10]), margin=0.25).tolist() == [False, False, True]


def test_the_honest_oracle_never_raises_a_false_alarm(truths):
    lengths = np.array([len(w) for w in UNIVERSE.deploy])
    rows = detection.evaluate(truths, UNIVERSE.train_lengths, lengths, predictors=["honest", "length-max"],
                              margins=[0.0])
    oracle, worst_case = rows
    assert oracle["precision"] == 1.0 and oracle["recall"] > 0.9
    assert worst_case["recall"] < oracle["recall"]  # misbehaviour hides under the per-length maximum


def test_memory_amortises_the_extra_cost(truths):
    goof = next(t for t in truths if t.kind == "goof-easy")
    assert np.array_equal(memory.with_memory(goof, 1, 1.0).train.costs, goof.train.costs)
    many = memory.with_memory(goof, 100, lookup=0.0)
    assert np.allclose(many.train_extra, goof.train_extra / 100)
    assert many.misbehaving
    assert memory.penalty(truths) > memory.penalty([memory.with_memory(t, 64) for t in truths])
