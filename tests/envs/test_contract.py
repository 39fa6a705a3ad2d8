"""Every registered maze environment meets the Gymnasium API and speedprior's contract."""

import gymnasium
import numpy as np
import pytest

from speedprior.testbeds.envs import ENVIRONMENTS, AbsentSupervisorEnv
from speedprior.testing.envs import check_environment


@pytest.mark.parametrize("env_id", sorted(ENVIRONMENTS))
def test_registered_environment_meets_the_contract(env_id):
    check_environment(env_id)


@pytest.mark.parametrize("env_id", sorted(ENVIRONMENTS))
def test_make_vec_builds_the_native_batched_env(env_id):
    envs = gymnasium.make_vec(env_id, num_envs=3)
    assert isinstance(envs, ENVIRONMENTS[env_id][1])
    obs, _ = envs.reset(seed=1)
    assert obs.shape == (3, *envs.single_observation_space.shape)


def test_check_environment_accepts_an_instance():
    check_environment(AbsentSupervisorEnv(signal_bits=1, length=4), steps=50)


def test_check_environment_catches_a_nondeterministic_env():
    env = AbsentSupervisorEnv()
    game = env.game
    original = game.new_episode
    draws = iter(range(10**6))

    def leaky(rng):  # ignores the seeded generator on every other episode
        episode = original(rng if next(draws) % 2 else np.random.default_rng())
        return episode

    game.new_episode = leaky
    with pytest.raises(AssertionError):
        check_environment(env, steps=300)


def test_vector_env_rejects_bad_actions_and_seed_lists():
    envs = gymnasium.make_vec("speedprior/CheeseInTheCorner-v0", num_envs=2)
    with pytest.raises(ValueError, match="need 2 seeds"):
        envs.reset(seed=[1, 2, 3])
    envs.reset(seed=0)
    with pytest.raises(ValueError, match="actions must lie"):
        envs.step(np.array([0, 7]))
