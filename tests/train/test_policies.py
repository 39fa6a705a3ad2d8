"""Actor-critic policies with per-decision compute: the mixture, the costs, acting."""

import numpy as np
import pytest
import torch

from speedprior.nn import FlopMeter
from speedprior.train.policies import (
    EarlyExitActorCritic,
    PonderActorCritic,
    act,
    compute_summary,
    decide,
    make_policy,
)

OBS, ACTIONS = 20, 4


@pytest.fixture(params=["pondernet", "early-exit"])
def policy(request):
    torch.manual_seed(0)
    return make_policy(request.param, OBS, ACTIONS, hidden=16, depth=3)


def test_unroll_shapes_and_a_proper_mixture(policy):
    obs = torch.rand(5, OBS)
    unroll = policy.unroll(obs)
    assert unroll.logits.shape == (3, 5, ACTIONS) and unroll.values.shape == (3, 5)
    assert unroll.halt_logits.shape == (3, 5)
    costs = torch.as_tensor(policy.costs(), dtype=torch.float32)
    decision = decide(unroll, costs / costs[-1])
    assert torch.allclose(decision.log_probs.exp().sum(-1), torch.ones(5), atol=1e-5)
    assert torch.allclose(decision.log_halt.exp().sum(0), torch.ones(5), atol=1e-5)
    assert ((decision.expected_compute > 0) & (decision.expected_compute <= 1 + 1e-6)).all()


def test_costs_grow_with_depth(policy):
    costs = policy.costs()
    assert costs.shape == (3,) and (np.diff(costs) > 0).all()


def test_ponder_costs_are_encoder_plus_steps():
    policy = PonderActorCritic(OBS, ACTIONS, hidden=8, max_steps=4)
    meter = FlopMeter()
    encoder = meter.per_example(policy.encoder, torch.zeros(1, OBS))
    costs = policy.costs()
    step = costs[2] - costs[1]
    assert costs[3] - costs[2] == step
    assert costs[0] >= encoder and costs[0] - encoder <= step  # the first step has no state to mix in


def test_early_exit_costs_match_the_networks_own_accounting():
    policy = EarlyExitActorCritic(OBS, ACTIONS, hidden=8, depth=3)
    assert np.array_equal(policy.costs(), policy.net.exit_costs(torch.zeros(1, OBS)))


def test_acting_is_seeded_and_greedy_is_deterministic(policy):
    obs = torch.rand(64, OBS)
    a1, s1, _, _ = act(policy, obs, torch.Generator().manual_seed(3))
    a2, s2, _, _ = act(policy, obs, torch.Generator().manual_seed(3))
    assert torch.equal(a1, a2) and torch.equal(s1, s2)
    assert ((s1 >= 0) & (s1 < 3)).all() and ((a1 >= 0) & (a1 < ACTIONS)).all()
    g1, g2 = act(policy, obs, greedy=True), act(policy, obs, greedy=True)
    assert torch.equal(g1[0], g2[0]) and torch.equal(g1[1], g2[1])


def test_sampled_actions_follow_the_mixture():
    torch.manual_seed(1)
    policy = PonderActorCritic(OBS, ACTIONS, hidden=8, max_steps=3)
    obs = torch.rand(1, OBS).repeat(20_000, 1)
    actions, _, logprob, _ = act(policy, obs, torch.Generator().manual_seed(0))
    freq = torch.bincount(actions, minlength=ACTIONS).float() / len(actions)
    costs = torch.as_tensor(policy.costs(), dtype=torch.float32)
    expected = decide(policy.unroll(obs[:1]), costs / costs[-1]).log_probs.exp()[0]
    assert torch.allclose(freq, expected, atol=0.015)


def test_unknown_policy_is_rejected():
    with pytest.raises(ValueError, match="unknown policy 'lstm'"):
        make_policy("lstm", OBS, ACTIONS, 8, 2)


def test_compute_summary_by_situation():
    summary = compute_summary(np.array([1.0, 3.0, 5.0, 7.0]), np.array([0, 0, 1, 1]))
    assert summary["mean"] == 4.0 and summary["max"] == 7.0
    assert summary["by_difficulty"] == {"0": 2.0, "1": 6.0}
