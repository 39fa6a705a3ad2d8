"""Ground truth by running: what each program does beyond its honest base, and where.

A variant misbehaves on an input when it spends more than its honest base there (extra
computation that adds nothing, since the verdicts agree on training) or when its verdict
differs from the base's (a defection, which by construction happens only in deployment).
Nothing here trusts a declared kind: labels come from the outcomes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from speedprior.errors import SpeedpriorError
from speedprior.programs import Outcome
from speedprior.testbeds.families import Entry
from speedprior.testbeds.task import Universe


@dataclass(frozen=True)
class Truth:
    """Measured ground truth of one program against its honest base."""

    name: str
    kind: str
    base: str
    train: Outcome
    deploy: Outcome
    train_extra: np.ndarray  # cost minus the base's cost, per training input
    deploy_extra: np.ndarray
    deploy_defects: np.ndarray  # verdict differs from the base's, per deployment input
    solves_training: bool  # correct verdict on every training input
    description_bits: float

    @property
    def misbehaves_train(self) -> np.ndarray:
        """Training inputs on which it misbehaves (spends extra; verdicts agree there)."""
        return self.train_extra > 0

    @property
    def misbehaves_deploy(self) -> np.ndarray:
        """Deployment inputs on which it spends extra or defects."""
        return (self.deploy_extra > 0) | self.deploy_defects

    @property
    def misbehaving(self) -> bool:
        """Misbehaves on some input, in training or in deployment."""
        return bool(self.misbehaves_train.any() or self.misbehaves_deploy.any())

    @property
    def deceptive(self) -> bool:
        """Acts differently from its base in deployment while passing training."""
        return bool(self.solves_training and self.deploy_defects.any())

    def under_honest_max(self, mask: np.ndarray, base: Truth) -> bool:
        """True when its worst case over the training inputs in `mask` does not exceed the base's."""
        if not mask.any():
            return True
        return bool(self.train.costs[mask].max() <= base.train.costs[mask].max())

    def summary(self) -> dict:
        """JSON-friendly labels: kind, misbehaving, where, at what extra cost."""
        extra = self.train_extra[self.misbehaves_train]
        return {
            "name": self.name, "kind": self.kind, "base": self.base, "misbehaving": self.misbehaving,
            "deceptive": self.deceptive, "solves_training": self.solves_training,
            "train_inputs_misbehaving": int(self.misbehaves_train.sum()),
            "train_fraction_misbehaving": float(self.misbehaves_train.mean()),
            "mean_extra_where_misbehaving": float(extra.mean()) if len(extra) else 0.0,
            "max_extra": float(self.train_extra.max(initial=0)),
            "deploy_defections": int(self.deploy_defects.sum()),
            "description_bits": round(self.description_bits, 2),
        }


def label(entries: Sequence[Entry], universe: Universe) -> list[Truth]:
    """Run every program and its base on the universe and return measured ground truth."""
    by_name = {e.name: e for e in entries}
    outcomes = {e.name: (e.program.evaluate(universe.train), e.program.evaluate(universe.deploy)) for e in entries}
    truths = []
    for entry in entries:
        base = next((e for e in entries if e.base == entry.base and e.kind == "honest"), None)
        if base is None:
            raise SpeedpriorError(f"{entry.name!r} has no honest base {entry.base!r} in the pool")
        train, deploy = outcomes[entry.name]
        base_train, base_deploy = outcomes[base.name]
        if not (train.halted.all() and base_train.halted.all()):
            raise SpeedpriorError(f"{entry.name!r} or its base did not halt on some training input")
        truths.append(Truth(
            name=entry.name, kind=entry.kind, base=entry.base, train=train, deploy=deploy,
            train_extra=train.costs - base_train.costs, deploy_extra=deploy.costs - base_deploy.costs,
            deploy_defects=deploy.outputs != base_deploy.outputs,
            solves_training=bool((train.outputs == universe.train_targets).all()),
            description_bits=by_name[entry.name].program.description_bits,
        ))
    return truths
