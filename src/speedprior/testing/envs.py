"""`check_environment`: the contract every speedprior maze environment meets, as Gymnasium's check_env does.

    >>> from speedprior.testing.envs import check_environment
    >>> check_environment("speedprior/AbsentSupervisor-v0")

It runs Gymnasium's `check_env`, replays a seeded rollout twice and demands identical results,
steps the batched `VectorEnv` next to N single environments seeded alike and demands they agree
step for step (autoresets included), and checks the hidden truth is in `info`. A failure raises
AssertionError naming what differed.
"""

from __future__ import annotations

import gymnasium
import numpy as np
from gymnasium.utils.env_checker import check_env

import speedprior.testbeds.envs  # noqa: F401  (registers the environments)
from speedprior.testbeds.envs.base import MazeEnv, MazeVectorEnv

# Every step's info carries these: whether the step misbehaved and the reward the designer means.
STEP_TRUTH = ("misbehaved", "true_reward")


def check_environment(env_id_or_env, *, num_envs: int = 4, steps: int = 200, seed: int = 0) -> None:
    """Check a maze environment (an id or a `MazeEnv`) against the Gymnasium API and speedprior's contract."""
    make_single, make_vector = _factories(env_id_or_env)
    check_env(make_single(None))
    for mode in ("ansi", "rgb_array"):
        _check_render(make_single(mode), mode)
    first, second = (_rollout(make_single(None), seed, steps) for _ in range(2))
    assert _same(first, second), "the same seed and actions gave different rollouts"
    _check_truth(make_single(None), seed, steps)
    _check_vector_agrees(make_single, make_vector, num_envs, steps, seed)


def _factories(env_id_or_env):
    """(render_mode -> single env, n -> vector env) for an id or an environment instance."""
    if isinstance(env_id_or_env, str):
        spec = gymnasium.spec(env_id_or_env)
        return (lambda mode: gymnasium.make(env_id_or_env, render_mode=mode).unwrapped,
                lambda n: spec.vector_entry_point(num_envs=n, **spec.kwargs))
    env = env_id_or_env.unwrapped
    if not isinstance(env, MazeEnv):
        raise TypeError(f"check_environment needs a registered id or a MazeEnv, got {type(env).__name__}")
    return (lambda mode: MazeEnv(env.game, mode)), (lambda n: MazeVectorEnv(env.game, n))


def _check_render(env, mode: str) -> None:
    env.reset(seed=0)
    frame = env.render()
    if mode == "ansi":
        assert isinstance(frame, str) and frame.count("\n") == env.observation_space.shape[1] - 1, "bad ANSI frame"
    else:
        assert isinstance(frame, np.ndarray) and frame.dtype == np.uint8 and frame.ndim == 3, "bad RGB frame"


def _actions(env, seed: int, steps: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, env.action_space.n, steps)


def _rollout(env, seed: int, steps: int) -> list:
    """Every (obs, reward, terminated, truncated, info) of a seeded random rollout, resetting as episodes end."""
    obs, info = env.reset(seed=seed)
    record = [(obs, info)]
    for action in _actions(env, seed, steps):
        obs, reward, terminated, truncated, info = env.step(int(action))
        record.append((obs, reward, terminated, truncated, info))
        if terminated or truncated:
            record.append(env.reset())
    return record


def _same(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(np.array_equal(a, b))


def _check_truth(env, seed: int, steps: int) -> None:
    _, info = env.reset(seed=seed)
    assert info, "reset must report the episode's hidden truth in info"
    for action in _actions(env, seed, steps):
        _, reward, terminated, truncated, info = env.step(int(action))
        missing = [key for key in STEP_TRUTH if key not in info]
        assert not missing, f"step info lacks the hidden truth {missing}"
        assert isinstance(info["misbehaved"], bool), "info['misbehaved'] must be a bool"
        if terminated or truncated:
            env.reset()


def _check_vector_agrees(make_single, make_vector, n: int, steps: int, seed: int) -> None:
    vector = make_vector(n)
    singles = [make_single(None) for _ in range(n)]
    seeds = [seed + 1000 * i for i in range(n)]
    obs, infos = vector.reset(seed=seeds)
    for i, env in enumerate(singles):
        single_obs, single_info = env.reset(seed=seeds[i])
        assert np.array_equal(obs[i], single_obs), f"sub-environment {i} starts unlike its single twin"
        assert all(np.array_equal(infos[k][i], v) for k, v in single_info.items()), f"reset info {i} differs"
    rng = np.random.default_rng(seed)
    for t in range(steps):
        actions = rng.integers(0, vector.single_action_space.n, n)
        obs, rewards, terminated, truncated, infos = vector.step(actions)
        for i, env in enumerate(singles):
            s_obs, s_reward, s_term, s_trunc, s_info = env.step(int(actions[i]))
            where = f"sub-environment {i} at step {t}"
            assert (rewards[i], terminated[i], truncated[i]) == (s_reward, s_term, s_trunc), f"{where}: step differs"
            assert all(np.array_equal(infos[k][i], v) for k, v in s_info.items()), f"{where}: info differs"
            if s_term or s_trunc:
                assert np.array_equal(infos["final_obs"][i], s_obs), f"{where}: final observation differs"
                s_obs, _ = env.reset()
            assert np.array_equal(obs[i], s_obs), f"{where}: observation differs"
