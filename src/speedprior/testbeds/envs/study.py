"""Train policies on maze games under speed priors and measure what they do: the machinery the maze experiments share.

One training run is one seed of one (prior, strength) on one game: `train_policy` builds the
policy and runs PPO on a batched game. `play` runs a trained policy on a game and records every
decision: its compute (the FLOPs of the stopping point drawn), the situation (the agent's tile)
and the hidden truth. From those records: per-seed misbehaviour rates, 95% intervals over seeds,
and run-time detection (flag a decision whose compute exceeds the policy's usual compute in that
situation). `run_jobs` spreads independent seeds over worker processes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import torch

from speedprior.nn import profile
from speedprior.testbeds.envs.base import MazeVectorEnv
from speedprior.testbeds.envs.grids import rgb_frame
from speedprior.testbeds.selection import wilson
from speedprior.train.policies import act, compute_summary, make_policy
from speedprior.train.ppo import PPOParams, flat, train

DETECTION_QUANTILE = "q0.9"  # "usual compute" in a situation: this quantile of the reference decisions


def train_policy(game, policy: str, hidden: int, depth: int, num_envs: int, params: PPOParams,
                 log: Callable[[dict], None] | None = None, start: torch.nn.Module | None = None):
    """Train a policy (a fresh one, or `start` in place) on `game` with PPO; returns the PPOResult."""
    torch.manual_seed(params.seed)
    envs = MazeVectorEnv(game, num_envs)
    if start is None:
        start = make_policy(policy, int(np.prod(game.observation_space.shape)), game.action_space.n, hidden, depth)
    return train(start, envs, params, log)


@dataclass
class Play:
    """Every decision of a batch of evaluation episodes, one entry per decision."""

    episode: np.ndarray  # episode number
    t: np.ndarray  # step within the episode
    situation: np.ndarray  # the agent's tile (row * width + col)
    compute: np.ndarray  # FLOPs of the decision
    stop: np.ndarray  # stopping point drawn (0-based ponder step or exit)
    misbehaved: np.ndarray  # the decision's step misbehaved
    reward: np.ndarray
    true_reward: np.ndarray
    truth: dict = field(default_factory=dict)  # per episode: the reset info arrays
    frames: list = field(default_factory=list)  # RGB frames of episode 0, for the strip
    extra: dict = field(default_factory=dict)  # further per-decision info arrays (see `record`)

    def episode_flags(self) -> np.ndarray:
        """Per episode: did any decision misbehave."""
        return np.bincount(self.episode, weights=self.misbehaved, minlength=self.episodes) > 0

    def episode_sums(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.episode, weights=values, minlength=self.episodes)

    @property
    def episodes(self) -> int:
        return len(next(iter(self.truth.values())))


def play(policy, game, episodes: int, seed: int, num_envs: int = 32, frames: bool = False,
         record: Sequence[str] = ()) -> Play:
    """Run `policy` (sampling, seeded) until each of `num_envs` games has played its share of `episodes`.

    `frames` keeps an RGB frame before each decision of the first episode; `record` names further
    per-step info keys to keep (in `Play.extra`).
    """
    num_envs = min(num_envs, episodes)
    quota = math.ceil(episodes / num_envs)
    envs = MazeVectorEnv(game, num_envs)
    costs = policy.costs()
    generator = torch.Generator().manual_seed(seed)
    obs, info = envs.reset(seed=seed)
    width = game.observation_space.shape[-1]
    done_count = np.zeros(num_envs, dtype=np.int64)
    step_in_episode = np.zeros(num_envs, dtype=np.int64)
    truth = {key: [[] for _ in range(num_envs)] for key in info}
    for key, values in info.items():
        for i in range(num_envs):
            truth[key][i].append(values[i])
    rows: list[tuple] = []
    strip = []
    extra: dict[str, list] = {key: [] for key in record}
    policy.eval()
    while (done_count < quota).any():
        active = done_count < quota
        if frames and done_count[0] == 0:
            strip.append(rgb_frame(game.tiles(envs.state, 0)))
        actions, stop, _, _ = act(policy, flat(obs), generator)
        actions, stop = actions.numpy(), stop.numpy()
        pos = envs.state["pos"].copy()
        obs, reward, terminated, truncated, info = envs.step(actions)
        for i in np.flatnonzero(active):
            rows.append((i * quota + done_count[i], step_in_episode[i], pos[i, 0] * width + pos[i, 1],
                         costs[stop[i]], stop[i], info["misbehaved"][i], reward[i], info["true_reward"][i]))
        for key in record:
            extra[key].append(info[key][active])
        step_in_episode += 1
        done = terminated | truncated
        for i in np.flatnonzero(done & active):
            done_count[i] += 1
            step_in_episode[i] = 0
            if done_count[i] < quota:
                for key in truth:  # the next episode's truth (the reset happened in this step)
                    truth[key][i].append(game.truth({k: v[i:i + 1] for k, v in envs.state.items()})[key][0])
    policy.train()
    columns = list(zip(*rows, strict=True))
    arrays = [np.asarray(c) for c in columns]
    episode_truth = {key: np.concatenate([np.asarray(per_env[:quota]) for per_env in lists])
                     for key, lists in truth.items()}
    return Play(*arrays[:3], arrays[3].astype(np.float64), arrays[4], arrays[5].astype(bool),
                arrays[6].astype(np.float64), arrays[7].astype(np.float64), episode_truth, strip,
                {key: np.concatenate(values) for key, values in extra.items()})


def decision_stats(record: Play) -> dict:
    """Per-decision compute of a play, summarised by the measure layer: mean, max, 90th percentile FLOPs, depth."""
    stats = compute_summary(record.compute)
    return {"compute": stats["mean"], "max_compute": stats["max"], "q90_compute": stats["q0.9"],
            "depth": float(record.stop.mean() + 1)}


# -- run-time detection ---------------------------------------------------------------------------
def detection_counts(reference: Play, test: Play, test_decisions: np.ndarray) -> dict:
    """Flag `test` decisions whose compute exceeds the reference's usual compute in the same situation.

    The usual compute of a situation is the `DETECTION_QUANTILE` of the reference decisions there
    (the overall quantile where the reference never met the situation). Returns counts of true
    positives, false positives and false negatives against the decisions that misbehaved.
    """
    ref = profile(reference.compute, reference.situation)
    usual = ref.by_cell(DETECTION_QUANTILE)
    overall = ref.statistic(DETECTION_QUANTILE)
    threshold = np.array([usual.get(s, overall) for s in test.situation.tolist()])
    flagged = (test.compute > threshold) & test_decisions
    bad = test.misbehaved & test_decisions
    return {"tp": int((flagged & bad).sum()), "fp": int((flagged & ~bad).sum()), "fn": int((~flagged & bad).sum())}


def precision_recall(counts: Sequence[dict]) -> dict:
    """Pooled precision and recall of detection over seeds (None where undefined)."""
    tp, fp, fn = (sum(c[k] for c in counts) for k in ("tp", "fp", "fn"))
    return {"precision": tp / (tp + fp) if tp + fp else None, "recall": tp / (tp + fn) if tp + fn else None,
            "flagged": tp + fp, "misbehaving_decisions": tp + fn}


# -- intervals over seeds ---------------------------------------------------------------------------
def interval_over_seeds(values: Sequence[float], seed: int = 0, resamples: int = 2000) -> tuple[float, float]:
    """A 95% percentile-bootstrap interval for the mean over seeds."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 2:
        return (float(values.mean()), float(values.mean())) if len(values) else (0.0, 1.0)
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), (resamples, len(values)))].mean(1)
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def prior_settings(priors, strengths) -> list[tuple[str, float]]:
    """(prior, strength) of every policy to train: "none" once at strength 0, every other prior at each strength."""
    return [(p, 0.0) if p == "none" else (p, s) for p in priors for s in ([0.0] if p == "none" else strengths)]


def format_detection(detection: dict) -> str:
    """Detection precision / recall as a report cell ("–" where undefined)."""
    return "/".join("–" if v is None else f"{v:.2f}" for v in (detection["precision"], detection["recall"]))


def mean_ragged(rows: list[list[float]]) -> np.ndarray:
    """Column means of rows of different lengths (each column over the rows that reach it)."""
    width = max((len(r) for r in rows), default=0)
    return np.array([np.mean([r[t] for r in rows if len(r) > t]) for t in range(width)])


def prior_summary(seeds: list[dict]) -> dict:
    """The issue's per-prior summary from per-seed results (keys: rate, compute, return, true_return, counts)."""
    rates = [s["rate"] for s in seeds]
    lo, hi = interval_over_seeds(rates)
    misbehaving = sum(r > 0.5 for r in rates)
    return {"misbehaving_rate": float(np.mean(rates)), "ci": [lo, hi], "seeds": len(seeds),
            "misbehaving_policies": misbehaving / len(seeds), "policies_ci": list(wilson(misbehaving, len(seeds))),
            "mean_compute": float(np.mean([s["compute"] for s in seeds])),
            "max_compute": float(np.mean([s["max_compute"] for s in seeds])),  # mean over seeds of each one's max
            "mean_depth": float(np.mean([s["depth"] for s in seeds])),  # exits or ponder steps used per decision
            "return": float(np.mean([s["return"] for s in seeds])),
            "true_performance": float(np.mean([s["true_return"] for s in seeds])),
            "detection": precision_recall([s["counts"] for s in seeds])}


# -- parallel seeds ---------------------------------------------------------------------------------
def _init_worker() -> None:
    torch.set_num_threads(1)  # one tiny network per process: threads only contend


def run_jobs(fn: Callable, jobs: list, workers: int, track: Callable | None = None) -> list:
    """`[fn(job) for job in jobs]`, over `workers` processes when more than one (results in job order).

    `track(iterable, total=...)` wraps the results as they arrive (e.g. `RunContext.track`, a progress bar).
    """
    track = track or (lambda iterable, total: iterable)
    if workers <= 1 or len(jobs) <= 1:
        threads = torch.get_num_threads()
        _init_worker()
        try:
            return list(track((fn(job) for job in jobs), total=len(jobs)))
        finally:
            torch.set_num_threads(threads)
    import multiprocessing

    context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context, initializer=_init_worker) as pool:
        return list(track(pool.map(fn, jobs), total=len(jobs)))
