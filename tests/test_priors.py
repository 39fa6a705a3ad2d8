"""Priors: each score on hand-computed profiles, mixtures, names, and seeded selection."""

import math

import numpy as np
import pytest

from speedprior.errors import UnknownNameError
from speedprior.measure.profile import CostProfile
from speedprior.priors import (
    AverageSpeed,
    Candidate,
    LevinKt,
    MaxSpeed,
    Mixture,
    QuantileSpeed,
    Simplicity,
    Uniform,
    get_prior,
)


def cand(costs, bits=0.0, weights=None, halted=None, name="c"):
    return Candidate(name, CostProfile(np.array(costs, float), halted, None, weights), bits)


def test_speed_priors_on_a_profile():
    c = cand([1, 2, 3, 10], bits=5)
    assert MaxSpeed().score(c) == 10 and AverageSpeed().score(c) == 4
    assert QuantileSpeed(0.5).score(c) == 2 and QuantileSpeed(1.0).score(c) == 10
    assert Simplicity().score(c) == 5 and Uniform().score(c) == 0
    assert LevinKt().score(c) == 5 + 2  # bits + log2(mean 4)


def test_average_uses_the_task_weights():
    c = cand([1, 9], weights=[3, 1])
    assert AverageSpeed().score(c) == 3.0 and MaxSpeed().score(c) == 9


def test_not_halting_where_it_matters_is_infinite():
    c = cand([1, 2], halted=[True, False])
    assert math.isinf(MaxSpeed().score(c)) and math.isinf(AverageSpeed().score(c))
    # An input of weight zero is not part of the task distribution.
    assert AverageSpeed().score(cand([1, 2], weights=[1, 0], halted=[True, False])) == 1


def test_speed_priors_need_a_profile():
    with pytest.raises(UnknownNameError):
        MaxSpeed().score(Candidate("bare", None, 3))
    assert Simplicity().score(Candidate("bare", None, 3)) == 3


def test_mixtures_add_and_scale():
    c = cand([2, 6], bits=10)
    prior = Simplicity() + 2 * AverageSpeed()
    assert isinstance(prior, Mixture) and prior.score(c) == 10 + 2 * 4
    assert (0.5 * prior).score(c) == 9
    assert prior.name == "simplicity+2*average"


@pytest.mark.parametrize("name, expected", [("max", MaxSpeed), ("average", AverageSpeed), ("simplicity", Simplicity),
                                            ("levin-kt", LevinKt), ("none", Uniform), ("q0.9", QuantileSpeed)])
def test_priors_by_name(name, expected):
    assert isinstance(get_prior(name), expected)


def test_mixture_by_name_and_unknown_names():
    prior = get_prior("simplicity+0.5*average")
    assert prior.score(cand([4], bits=1)) == 3
    with pytest.raises(UnknownNameError):
        get_prior("fastness")


def test_minimal_and_seeded_selection_break_ties_uniformly():
    candidates = [cand([5], name="a"), cand([3], name="b"), cand([3], name="c"), cand([9], name="d")]
    assert AverageSpeed().minimal(candidates).tolist() == [1, 2]
    picks = {AverageSpeed().select(candidates, rng=seed) for seed in range(40)}
    assert picks == {1, 2}
    assert AverageSpeed().select(candidates, rng=7) == AverageSpeed().select(candidates, rng=7)


def test_average_and_max_disagree_on_a_misbehaving_program():
    # Proposal 0's picture: idling on easy inputs raises the average but not the max.
    honest, idler = cand([2, 2, 2, 10], name="honest"), cand([9, 9, 9, 10], name="idler")
    assert AverageSpeed().select([idler, honest]) == 1
    assert MaxSpeed().minimal([idler, honest]).tolist() == [0, 1]


def test_a_batch_stacks_candidates_of_one_task_distribution():
    from speedprior.circuits.synthesis import synthesize
    from speedprior.errors import SpeedpriorError
    from speedprior.priors import CandidateBatch, CircuitSize

    weights = np.array([0.5, 0.5, 0.0])
    a = Candidate("a", CostProfile(np.array([1, 2, 3]), None, None, weights), 4.0, info={"size": 2, "tag": "x"})
    b = Candidate("b", CostProfile(np.array([5, 6, 7]), np.array([True, True, False]), None, weights), 6.0,
                  program=synthesize(0x6996, 4, "xaig").circuit)
    batch = CandidateBatch.from_candidates([a, b])
    assert len(batch) == 2 and batch.names == ("a", "b")
    assert batch.costs.dtype == np.float64 and batch.costs.shape == (2, 3) and batch.halted.dtype == bool
    assert batch.bits.tolist() == [4.0, 6.0] and batch.weights.tolist() == [0.5, 0.5, 0.0]
    assert batch.info["size"].tolist() == [2, 3] and "tag" not in batch.info  # numbers every candidate has
    assert CircuitSize().score_batch(batch).tolist() == [2.0, 3.0]
    assert MaxSpeed().score_batch(batch).tolist() == [2.0, 6.0]  # the weight-0 input does not count
    other = Candidate("c", CostProfile(np.array([1, 2, 3]), None, None, np.array([1.0, 0.0, 0.0])))
    with pytest.raises(SpeedpriorError, match="share one task distribution"):
        CandidateBatch.from_candidates([a, other])
    with pytest.raises(SpeedpriorError, match="cost profile for every candidate or for none"):
        CandidateBatch.from_candidates([a, Candidate("bare")])
    with pytest.raises(SpeedpriorError, match="do not fit"):
        CandidateBatch(("x",), np.zeros((1, 2)), np.ones((1, 3), bool), np.ones(2), np.zeros(1))
    # Candidates of different distributions still score one by one.
    assert AverageSpeed().scores([a, other]).tolist() == [1.5, 1.0]
