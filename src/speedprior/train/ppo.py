"""PPO with a speed prior, after CleanRL's ppo.py: hyperparameters in one dataclass, the loop in one function.

The speed prior is a penalty on the policy's expected compute per decision (sum_k p_k cost_k,
relative to always running to the deepest stopping point; see `speedprior.train.policies`):

    "none"     no penalty
    "average"  strength * mean over the minibatch of the per-decision compute
    "max"      strength * a smooth maximum over the minibatch: t * log(mean(exp(c / t)))

The smooth maximum lies between the mean (t large) and the largest decision's compute (t -> 0),
so "max" pushes down the most expensive decisions first, "average" all of them alike.

Environments are `gymnasium.vector.VectorEnv`s with same-step autoreset (speedprior's maze
games); observations are flattened to float vectors. A truncated episode is bootstrapped with
the value of its final observation, a terminated one is not.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import torch
from torch import nn

from speedprior.train.policies import act, decide

PRIORS = ("none", "max", "average")


@dataclass(frozen=True)
class PPOParams:
    total_steps: int = 50_000  # environment steps, over all sub-environments
    num_steps: int = 32  # steps per sub-environment per rollout
    gamma: float = 0.95  # discount
    gae_lambda: float = 0.9  # GAE's lambda
    learning_rate: float = 2.5e-3
    anneal_lr: bool = True  # decay the learning rate linearly to 0
    update_epochs: int = 4  # passes over each rollout
    num_minibatches: int = 4
    clip_coef: float = 0.2  # PPO's ratio clip
    ent_coef: float = 0.01  # entropy bonus (of the mixture policy)
    vf_coef: float = 0.5
    max_grad_norm: float = 0.5
    prior: Literal["none", "max", "average"] = "none"  # the speed prior
    strength: float = 0.0  # lambda: weight of the compute penalty
    smoothness: float = 0.05  # temperature of the smooth maximum, in units of relative compute
    seed: int = 0

    def __post_init__(self):
        if self.prior not in PRIORS:
            raise ValueError(f"unknown prior {self.prior!r}; known: {', '.join(PRIORS)}")
        if self.strength < 0 or self.smoothness <= 0 or self.total_steps < 1 or self.num_steps < 1:
            raise ValueError("strength must be >= 0, smoothness > 0, total_steps and num_steps >= 1")


@dataclass
class PPOResult:
    policy: nn.Module
    history: list[dict] = field(default_factory=list)  # one row per update
    seconds: float = 0.0


def compute_penalty(expected_compute: torch.Tensor, prior: str, smoothness: float) -> torch.Tensor:
    """The speed prior's penalty on a batch of per-decision expected computes (before the strength)."""
    if prior == "average":
        return expected_compute.mean()
    if prior == "max":
        n = expected_compute.shape[0]
        return smoothness * (torch.logsumexp(expected_compute / smoothness, 0) - math.log(n))
    return expected_compute.new_zeros(())


def flat(obs: np.ndarray) -> torch.Tensor:
    """Observations [N, ...] as float vectors [N, D]."""
    return torch.as_tensor(obs.reshape(len(obs), -1), dtype=torch.float32)


def train(policy: nn.Module, envs, params: PPOParams, log: Callable[[dict], None] | None = None) -> PPOResult:
    """Train `policy` on the vector env `envs` with PPO under the speed prior in `params`."""
    start = time.perf_counter()
    torch.manual_seed(params.seed)
    generator = torch.Generator().manual_seed(params.seed)
    n_envs = envs.num_envs
    batch_size = n_envs * params.num_steps
    minibatch = max(1, batch_size // params.num_minibatches)
    iterations = max(1, params.total_steps // batch_size)
    costs = torch.as_tensor(policy.costs(), dtype=torch.float32)
    relative_costs = costs / costs[-1]
    optimizer = torch.optim.Adam(policy.parameters(), lr=params.learning_rate, eps=1e-5)

    # rollout storage
    obs_buf = torch.zeros(params.num_steps, n_envs, policy.obs_dim)
    actions = torch.zeros(params.num_steps, n_envs, dtype=torch.long)
    logprobs = torch.zeros(params.num_steps, n_envs)
    rewards = torch.zeros(params.num_steps, n_envs)
    dones = torch.zeros(params.num_steps, n_envs)
    values = torch.zeros(params.num_steps, n_envs)
    stops = torch.zeros(params.num_steps, n_envs, dtype=torch.long)

    next_obs, _ = envs.reset(seed=params.seed)
    next_obs = flat(next_obs)
    episode_return = np.zeros(n_envs)
    result = PPOResult(policy)
    for iteration in range(1, iterations + 1):
        if params.anneal_lr:
            optimizer.param_groups[0]["lr"] = params.learning_rate * (1.0 - (iteration - 1) / iterations)
        finished = []
        for t in range(params.num_steps):
            obs_buf[t] = next_obs
            action, stop, logprob, value = act(policy, next_obs, generator)
            actions[t], stops[t], logprobs[t], values[t] = action, stop, logprob, value
            obs, reward, terminated, truncated, info = envs.step(action.numpy())
            episode_return += reward
            if truncated.any():  # bootstrap a cut-off episode from its final observation
                with torch.no_grad():
                    final = flat(info["final_obs"][truncated])
                    tail = decide(policy.unroll(final), relative_costs).value
                reward = reward.copy()
                reward[truncated] += params.gamma * tail.numpy()
            done = terminated | truncated
            finished.extend(episode_return[done].tolist())
            episode_return[done] = 0.0
            rewards[t] = torch.as_tensor(reward, dtype=torch.float32)
            dones[t] = torch.as_tensor(done, dtype=torch.float32)
            next_obs = flat(obs)

        # generalised advantage estimation
        with torch.no_grad():
            next_value = decide(policy.unroll(next_obs), relative_costs).value
            advantages = torch.zeros_like(rewards)
            gae = torch.zeros(n_envs)
            for t in reversed(range(params.num_steps)):
                following = next_value if t == params.num_steps - 1 else values[t + 1]
                delta = rewards[t] + params.gamma * following * (1 - dones[t]) - values[t]
                gae = delta + params.gamma * params.gae_lambda * (1 - dones[t]) * gae
                advantages[t] = gae
            returns = advantages + values

        # PPO update over shuffled minibatches
        b_obs, b_actions, b_logprobs = obs_buf.flatten(0, 1), actions.flatten(), logprobs.flatten()
        b_adv, b_returns = advantages.flatten(), returns.flatten()
        for _ in range(params.update_epochs):
            order = torch.randperm(batch_size, generator=generator)
            for lo in range(0, batch_size, minibatch):
                idx = order[lo:lo + minibatch]
                decision = decide(policy.unroll(b_obs[idx]), relative_costs)
                new_logprob = decision.log_probs.gather(1, b_actions[idx, None]).squeeze(1)
                ratio = (new_logprob - b_logprobs[idx]).exp()
                adv = b_adv[idx]
                adv = (adv - adv.mean()) / (adv.std() + 1e-8) if len(idx) > 1 else adv
                pg_loss = torch.max(-adv * ratio, -adv * ratio.clamp(1 - params.clip_coef, 1 + params.clip_coef)).mean()
                v_loss = 0.5 * ((decision.value - b_returns[idx]) ** 2).mean()
                entropy = -(decision.log_probs.exp() * decision.log_probs).sum(-1).mean()
                penalty = compute_penalty(decision.expected_compute, params.prior, params.smoothness)
                loss = pg_loss - params.ent_coef * entropy + params.vf_coef * v_loss + params.strength * penalty
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                nn.utils.clip_grad_norm_(policy.parameters(), params.max_grad_norm)
                optimizer.step()

        row = {"iteration": iteration, "steps": iteration * batch_size,
               "charts/episode_return": float(np.mean(finished)) if finished else None,
               "charts/mean_compute": float(costs[stops.flatten()].mean()),
               "losses/policy": pg_loss.item(), "losses/value": v_loss.item(), "losses/entropy": entropy.item(),
               "losses/compute_penalty": penalty.item()}
        result.history.append(row)
        if log is not None:
            log(row)
    result.seconds = time.perf_counter() - start
    return result
