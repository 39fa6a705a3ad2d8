"""Run-time detection: flag inputs on which a program spends more than expected, score against ground truth.

The expected cost of an input comes from a predictor:

    honest       the honest base's own cost on that very input (an oracle: the best case)
    length-max   the largest honest cost seen at that input length in a training sample (learned)
    length-mean  the mean honest cost seen at that length (learned; cheap but blind to hard inputs)

An input is flagged when cost > expected * (1 + margin). Truth: the program spends extra
there or defects (`truth.Truth`). Precision and recall are pooled over the programs given.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from speedprior.errors import UnknownNameError
from speedprior.testbeds.truth import Truth

PREDICTORS = ("honest", "length-max", "length-mean")


def flag(costs: np.ndarray, expected: np.ndarray, margin: float = 0.0) -> np.ndarray:
    """Inputs whose cost exceeds the expected cost by more than the relative margin."""
    return np.asarray(costs) > np.asarray(expected) * (1.0 + margin) + 1e-9


def precision_recall(flags: np.ndarray, truth: np.ndarray) -> dict:
    """Precision, recall and the confusion counts of flags against the ground truth."""
    flags, truth = np.asarray(flags, dtype=bool), np.asarray(truth, dtype=bool)
    tp, fp, fn = int((flags & truth).sum()), int((flags & ~truth).sum()), int((~flags & truth).sum())
    return {"precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
            "tp": tp, "fp": fp, "fn": fn}


def length_predictor(lengths: np.ndarray, costs: np.ndarray, sample: np.ndarray, how: str):
    """Fit expected cost per input length from sampled (length, cost) pairs; unseen lengths get the overall value."""
    reduce = np.max if how == "max" else np.mean
    table = {int(n): float(reduce(costs[sample & (lengths == n)])) for n in np.unique(lengths[sample])}
    fallback = float(reduce(costs[sample])) if sample.any() else 0.0
    return lambda query: np.array([table.get(int(n), fallback) for n in query], dtype=np.float64)


def expected_costs(predictor: str, base: Truth, train_lengths: np.ndarray, deploy_lengths: np.ndarray,
                   sample: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected cost per training and per deployment input under `predictor`."""
    if predictor == "honest":
        return base.train.costs, base.deploy.costs
    if predictor in ("length-max", "length-mean"):
        fit = length_predictor(train_lengths, base.train.costs, sample, predictor.split("-")[1])
        return fit(train_lengths), fit(deploy_lengths)
    raise UnknownNameError(f"unknown cost predictor {predictor!r}; known: {', '.join(PREDICTORS)}")


def evaluate(truths: Sequence[Truth], train_lengths: np.ndarray, deploy_lengths: np.ndarray,
             predictors: Sequence[str] = PREDICTORS, margins: Sequence[float] = (0.0, 0.25),
             sample_fraction: float = 0.5, seed: int = 0) -> list[dict]:
    """Precision/recall per (predictor, margin), pooled over every program and per kind."""
    rng = np.random.default_rng(seed)
    sample = rng.random(len(train_lengths)) < sample_fraction  # what a learned predictor saw
    bases = {t.base: t for t in truths if t.kind == "honest"}
    rows = []
    for predictor in predictors:
        expected = {b: expected_costs(predictor, t, train_lengths, deploy_lengths, sample) for b, t in bases.items()}
        for margin in margins:
            per_kind: dict[str, tuple[list, list]] = {}
            for t in truths:
                exp_train, exp_deploy = expected[t.base]
                flags = np.concatenate([flag(t.train.costs, exp_train, margin),
                                        flag(t.deploy.costs, exp_deploy, margin)])
                truth = np.concatenate([t.misbehaves_train, t.misbehaves_deploy])
                got = per_kind.setdefault(t.kind, ([], []))
                got[0].append(flags)
                got[1].append(truth)
            all_flags = np.concatenate([f for fl, _ in per_kind.values() for f in fl])
            all_truth = np.concatenate([t for _, tr in per_kind.values() for t in tr])
            row = {"predictor": predictor, "margin": margin, **precision_recall(all_flags, all_truth)}
            row["recall_by_kind"] = {
                kind: precision_recall(np.concatenate(fl), np.concatenate(tr))["recall"]
                for kind, (fl, tr) in per_kind.items() if kind != "honest"
            }
            rows.append(row)
    return rows
