"""Batched maze steps per second against minigrid's comparable maze, in the same process, on one core.

Run: .venv/bin/python benchmarks/bench_envs.py [--num-envs 1024] [--steps 200] [--cells 4]
Compares against minigrid when installed (the `dev` extra). Our cheese-in-the-corner mazes of
4x4 cells are 9x9 tiles; the comparable minigrid task is MiniGrid-SimpleCrossingS9N1-v0 (9x9,
walls, reach a goal). Both take uniformly random actions with resets as episodes end; minigrid
runs one env per step call, ours steps `--num-envs` mazes per call in NumPy. Prints steps/s of
each, their ratio and the CPU.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

from speedprior.testbeds.envs import CheeseVectorEnv, DeploymentCheckVectorEnv

sys.path.insert(0, os.path.dirname(__file__))
from timing import best_of, cpu_model  # noqa: E402


def ours(env_class, num_envs: int, steps: int, cells: int) -> float:
    envs = env_class(num_envs, cells=cells)
    envs.reset(seed=0)
    rng = np.random.default_rng(0)
    actions = rng.integers(0, envs.single_action_space.n, (steps, num_envs))

    def go():
        for a in actions:
            envs.step(a)

    seconds, _ = best_of(3, go)
    return steps * num_envs / seconds


def minigrid_steps(steps: int) -> float:
    import gymnasium
    import minigrid  # noqa: F401  (registers the MiniGrid environments)

    env = gymnasium.make("MiniGrid-SimpleCrossingS9N1-v0")
    env.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, 3, steps)  # left, right, forward: minigrid's moves

    def go():
        for a in actions:
            _, _, terminated, truncated, _ = env.step(int(a))
            if terminated or truncated:
                env.reset()

    seconds, _ = best_of(3, go)
    return steps / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-envs", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=200, help="vector steps (ours); minigrid takes 20x as many")
    parser.add_argument("--cells", type=int, default=4)
    args = parser.parse_args()
    try:
        import minigrid  # noqa: F401

        have_minigrid = True
    except ImportError:
        print("minigrid is not installed (pip install -e '.[dev]'): printing our steps/s only", file=sys.stderr)
        have_minigrid = False
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    print(f"CPU: {cpu_model()} ({os.cpu_count()} logical cores; everything below runs on one)")
    reference = minigrid_steps(20 * args.steps) if have_minigrid else None
    if reference:
        print(f"minigrid MiniGrid-SimpleCrossingS9N1-v0 (one env):     {reference:12,.0f} steps/s")
    for name, env_class in (("CheeseInTheCorner", CheeseVectorEnv), ("DeploymentCheck", DeploymentCheckVectorEnv)):
        rate = ours(env_class, args.num_envs, args.steps, args.cells)
        ratio = f"   {rate / reference:6.1f}x minigrid" if reference else ""
        print(f"speedprior {name} ({args.num_envs} mazes of {2 * args.cells + 1}x{2 * args.cells + 1}):"
              f" {rate:12,.0f} steps/s{ratio}")


if __name__ == "__main__":
    main()
