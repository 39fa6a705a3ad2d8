"""One set of rules, two front doors: a Gymnasium `Env` and a natively batched `VectorEnv`.

Each maze game writes its rules once, over a batch of episodes held as NumPy arrays (a dict of
arrays with the episode index first). `MazeEnv` plays one episode of a game (batch of one);
`MazeVectorEnv` plays `num_envs` at once with one seeded generator per sub-environment, so
sub-environment i seeded with s makes exactly the episodes a `MazeEnv` seeded with s makes.

A game provides:

    observation_space, action_space, max_steps
    new_episode(rng) -> dict of arrays            # one episode, drawn from `rng` only
    observe(state) -> uint8 [N, C, H, W]
    step(state, actions) -> reward [N], terminated [N], info {key: [N]}   # updates `state`
    truth(state) -> {key: [N]}                   # the hidden truth of each episode
    tiles(state, i) -> characters [H, W]         # for ASCII and RGB rendering

Episodes are cut at `max_steps` (truncated, not terminated) inside the environment itself, so
the single and the batched environments agree without a TimeLimit wrapper.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from speedprior.testbeds.envs.grids import ascii_frame, rgb_frame

RENDER_MODES = ["ansi", "rgb_array"]


def stack(episodes: list[dict]) -> dict:
    """A batch of episodes: one array per key, episode index first."""
    return {key: np.stack([e[key] for e in episodes]) for key in episodes[0]}


def write_rows(state: dict, rows: np.ndarray, episodes: list[dict]) -> None:
    """Overwrite episodes `rows` of a batched state with fresh ones."""
    for key in state:
        state[key][rows] = np.stack([e[key] for e in episodes])


class MazeEnv(gym.Env):
    """A single episode of a maze game, with Gymnasium's reset/step/render contract."""

    metadata = {"render_modes": RENDER_MODES, "render_fps": 4}

    def __init__(self, game, render_mode: str | None = None):
        if render_mode is not None and render_mode not in RENDER_MODES:
            raise ValueError(f"render_mode must be one of {RENDER_MODES} or None, got {render_mode!r}")
        self.game = game
        self.render_mode = render_mode
        self.observation_space = game.observation_space
        self.action_space = game.action_space
        self.state: dict | None = None

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.state = stack([self.game.new_episode(self.np_random)])
        return self.game.observe(self.state)[0], _scalars(self.game.truth(self.state))

    def step(self, action):
        if self.state is None:
            raise RuntimeError("call reset() before step()")
        if not self.action_space.contains(action):
            raise ValueError(f"invalid action {action!r} for {self.action_space}")
        reward, terminated, info = self.game.step(self.state, np.array([int(action)]))
        self.state["t"] += 1
        truncated = bool(self.state["t"][0] >= self.game.max_steps and not terminated[0])
        info = {**_scalars(self.game.truth(self.state)), **_scalars(info)}
        return self.game.observe(self.state)[0], float(reward[0]), bool(terminated[0]), truncated, info

    def render(self):
        if self.state is None or self.render_mode is None:
            return None
        tiles = self.game.tiles(self.state, 0)
        return ascii_frame(tiles) if self.render_mode == "ansi" else rgb_frame(tiles)


class MazeVectorEnv(VectorEnv):
    """`num_envs` episodes of a maze game stepped together in NumPy, resetting each as it ends.

    Autoreset happens in the same step (`AutoresetMode.SAME_STEP`): a finished episode's last
    observation is in `info["final_obs"]` (rows flagged by `info["_final_obs"]`) and the returned
    observation already starts the next episode. The other `info` arrays describe the step taken.
    """

    metadata = {"render_modes": RENDER_MODES, "autoreset_mode": AutoresetMode.SAME_STEP}

    def __init__(self, game, num_envs: int, render_mode: str | None = None):
        if num_envs < 1:
            raise ValueError(f"num_envs must be at least 1, got {num_envs}")
        if render_mode is not None and render_mode not in RENDER_MODES:
            raise ValueError(f"render_mode must be one of {RENDER_MODES} or None, got {render_mode!r}")
        self.game = game
        self.num_envs = num_envs
        self.render_mode = render_mode
        self.single_observation_space = game.observation_space
        self.single_action_space = game.action_space
        self.observation_space = batch_space(game.observation_space, num_envs)
        self.action_space = batch_space(game.action_space, num_envs)
        self.generators: list[np.random.Generator] | None = None
        self.state: dict | None = None

    def reset(self, *, seed: int | list[int | None] | None = None, options: dict | None = None):
        if seed is None or isinstance(seed, int):
            seeds = [None if seed is None else seed + i for i in range(self.num_envs)]
        else:
            seeds = list(seed)
            if len(seeds) != self.num_envs:
                raise ValueError(f"need {self.num_envs} seeds, got {len(seeds)}")
        if self.generators is None or seed is not None:
            self.generators = [seeding.np_random(s)[0] for s in seeds]
        self.state = stack([self.game.new_episode(g) for g in self.generators])
        return self.game.observe(self.state), self.game.truth(self.state)

    def step(self, actions):
        if self.state is None:
            raise RuntimeError("call reset() before step()")
        actions = np.asarray(actions, dtype=np.int64).reshape(self.num_envs)
        if (actions < 0).any() or (actions >= self.single_action_space.n).any():
            raise ValueError(f"actions must lie in 0..{self.single_action_space.n - 1}, got {actions}")
        reward, terminated, info = self.game.step(self.state, actions)
        self.state["t"] += 1
        truncated = (self.state["t"] >= self.game.max_steps) & ~terminated
        info = {**self.game.truth(self.state), **info}
        done = terminated | truncated
        obs = self.game.observe(self.state)
        if done.any():
            info["final_obs"], info["_final_obs"] = obs.copy(), done
            rows = np.flatnonzero(done)
            write_rows(self.state, rows, [self.game.new_episode(self.generators[i]) for i in rows])
            obs[rows] = self.game.observe({key: value[rows] for key, value in self.state.items()})
        return obs, reward.astype(np.float64), terminated, truncated, info

    def render(self):
        if self.state is None or self.render_mode is None:
            return None
        frames = [self.game.tiles(self.state, i) for i in range(self.num_envs)]
        return tuple(ascii_frame(f) if self.render_mode == "ansi" else rgb_frame(f) for f in frames)


def _scalars(info: dict) -> dict:
    """The first (only) row of each batched info array, as plain Python values."""
    return {key: value[0].item() for key, value in info.items()}
