"""PPO with a speed prior: the penalties, seeding, tiny-budget smoke runs, and learning a trivial maze."""

import numpy as np
import pytest
import torch

from speedprior.testbeds.envs import AbsentSupervisorVectorEnv
from speedprior.train.policies import act, make_policy
from speedprior.train.ppo import PPOParams, compute_penalty, flat, train


@pytest.fixture(autouse=True)
def one_thread():
    # tiny networks run fastest on one thread, and the test machine is shared
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def trivial_maze(n=16):
    # the goal two steps to the right, nothing to punish, a plain flag
    return AbsentSupervisorVectorEnv(n, length=3, signal_bits=1, punishment=0.0, max_steps=12)


def run(kind="early-exit", **params):
    envs = trivial_maze()
    torch.manual_seed(params.get("seed", 0))
    policy = make_policy(kind, int(np.prod(envs.single_observation_space.shape)), 4, hidden=16, depth=3)
    return train(policy, envs, PPOParams(num_steps=16, **params))


def test_penalties():
    c = torch.tensor([0.1, 0.2, 0.9])
    assert compute_penalty(c, "none", 0.05) == 0.0
    assert compute_penalty(c, "average", 0.05) == pytest.approx(0.4)
    smooth = float(compute_penalty(c, "max", 0.05))
    assert 0.4 < smooth < 0.9  # between the mean and the max
    assert float(compute_penalty(c, "max", 1e-3)) == pytest.approx(0.9, abs=0.002)  # sharp: the max itself


def test_params_reject_bad_values():
    with pytest.raises(ValueError, match="unknown prior 'median'"):
        PPOParams(prior="median")
    with pytest.raises(ValueError):
        PPOParams(strength=-1.0)


@pytest.mark.parametrize("kind", ["pondernet", "early-exit"])
@pytest.mark.parametrize("prior", ["none", "max", "average"])
def test_smoke_every_policy_and_prior(kind, prior):
    result = run(kind, total_steps=512, prior=prior, strength=0.5)
    assert len(result.history) == 2  # 512 steps / (16 envs x 16 steps)
    assert result.history[-1]["steps"] == 512
    assert all(np.isfinite(row["losses/policy"]) for row in result.history)
    assert (result.history[-1]["losses/compute_penalty"] > 0) == (prior != "none")


def test_same_seed_same_training():
    a, b = run(total_steps=768, seed=4), run(total_steps=768, seed=4)
    assert [r["losses/value"] for r in a.history] == [r["losses/value"] for r in b.history]


def test_ppo_learns_a_trivial_maze():
    result = run(total_steps=8192, seed=0)
    envs = trivial_maze(32)
    obs, _ = envs.reset(seed=123)
    generator, returns, episode = torch.Generator().manual_seed(0), [], np.zeros(32)
    for _ in range(48):
        actions, _, _, _ = act(result.policy, flat(obs), generator)
        obs, reward, terminated, truncated, _ = envs.step(actions.numpy())
        episode += reward
        returns.extend(episode[terminated | truncated])
        episode[terminated | truncated] = 0
    # random play reaches the goal two tiles away rarely within 12 steps; the optimum is 1 - 2 * 0.04
    assert np.mean(returns) > 0.7


def test_a_strong_average_prior_lowers_compute():
    base = run(total_steps=4096, seed=1)
    penalised = run(total_steps=4096, seed=1, prior="average", strength=2.0)
    assert penalised.history[-1]["charts/mean_compute"] < 0.8 * base.history[-1]["charts/mean_compute"]
