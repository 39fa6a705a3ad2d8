"""Train a ReLU network of a compiled network's shape to imitate its function on every input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from speedprior.interp.compile import ReLUNetwork


@dataclass(frozen=True)
class ImitationConfig:
    """Full-batch Adam on the squared error to the 0/1 outputs; stops once every rounded output is right."""

    steps: int = 2000
    lr: float = 0.01
    check_every: int = 50


def mlp(widths: list[int]) -> nn.Sequential:
    """Linear layers of these widths with a ReLU between each pair (none after the last)."""
    layers: list[nn.Module] = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def to_network(model: nn.Sequential) -> ReLUNetwork:
    """The weights of a torch MLP as a ReLUNetwork (no unit-to-gate map: a trained network has none)."""
    linears = [m for m in model if isinstance(m, nn.Linear)]
    return ReLUNetwork([m.weight.detach().double().numpy() for m in linears],
                       [m.bias.detach().double().numpy() for m in linears], [])


def imitate(target: ReLUNetwork, x: np.ndarray, seed: int, config: ImitationConfig = ImitationConfig(),
            train: bool = True, on_check: Callable[[int, float], None] | None = None) -> tuple[ReLUNetwork, bool, int]:
    """A network of target's widths trained (from a seeded init) to match target on inputs x.

    Returns the trained network, whether every rounded output equals the target's, and the steps taken.
    With `train=False` it returns the untrained initialisation (a baseline of the same shape).
    `on_check(step, loss)` is called at every exactness check (the training curve).
    """
    torch.manual_seed(seed)
    model = mlp(target.widths).double()
    xs = torch.as_tensor(np.asarray(x, dtype=np.float64))
    ys = torch.as_tensor(target(x))
    if not train:
        return to_network(model), False, 0
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    for step in range(1, config.steps + 1):
        loss = ((model(xs) - ys) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % config.check_every == 0:
            if on_check is not None:
                on_check(step, loss.item())
            with torch.no_grad():
                if bool((model(xs).round() == ys).all()):
                    return to_network(model), True, step
    with torch.no_grad():
        exact = bool((model(xs).round() == ys).all())
    return to_network(model), exact, config.steps
