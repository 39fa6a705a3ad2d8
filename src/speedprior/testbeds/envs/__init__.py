"""Maze games for speed-prior experiments, on the Gymnasium API, each also natively batched.

Importing this package registers the environments:

    >>> import gymnasium, speedprior.testbeds.envs
    >>> env = gymnasium.make("speedprior/AbsentSupervisor-v0", signal_bits=3)
    >>> envs = gymnasium.make_vec("speedprior/CheeseInTheCorner-v0", num_envs=256, region=1)

`make_vec` builds the NumPy-batched `VectorEnv` (the `vector_entry_point`), not a loop of copies.
"""

from __future__ import annotations

import gymnasium

from speedprior.testbeds.envs.absent_supervisor import AbsentSupervisorEnv, AbsentSupervisorVectorEnv
from speedprior.testbeds.envs.base import MazeEnv, MazeVectorEnv
from speedprior.testbeds.envs.cheese import CheeseEnv, CheeseVectorEnv
from speedprior.testbeds.envs.deployment_check import DeploymentCheckEnv, DeploymentCheckVectorEnv

# id -> (single env, vector env); the registry every contract test runs over
ENVIRONMENTS: dict[str, tuple[type, type]] = {
    "speedprior/AbsentSupervisor-v0": (AbsentSupervisorEnv, AbsentSupervisorVectorEnv),
    "speedprior/CheeseInTheCorner-v0": (CheeseEnv, CheeseVectorEnv),
    "speedprior/DeploymentCheck-v0": (DeploymentCheckEnv, DeploymentCheckVectorEnv),
}


def register_all() -> None:
    """Register every environment with Gymnasium (idempotent)."""
    for env_id, (single, vector) in ENVIRONMENTS.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(env_id, entry_point=single, vector_entry_point=vector)


register_all()

__all__ = [
    "ENVIRONMENTS",
    "AbsentSupervisorEnv",
    "AbsentSupervisorVectorEnv",
    "CheeseEnv",
    "CheeseVectorEnv",
    "DeploymentCheckEnv",
    "DeploymentCheckVectorEnv",
    "MazeEnv",
    "MazeVectorEnv",
    "register_all",
]
