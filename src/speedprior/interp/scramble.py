"""Function-preserving scrambles of a ReLU network: permute hidden units, rescale them by positive factors.

relu(s z) = s relu(z) for s > 0, so scaling a unit's incoming weights and bias by s and its outgoing
weights by 1/s leaves the function unchanged; so does permuting the units of a layer together with
the columns that read them.
"""

from __future__ import annotations

import numpy as np

from speedprior.errors import ConfigError
from speedprior.interp.compile import ReLUNetwork


def scramble(network: ReLUNetwork, rng: np.random.Generator, max_scale: float = 4.0,
             permute: bool = True) -> ReLUNetwork:
    """A copy of `network` with each hidden layer's units permuted (if `permute`) and each unit rescaled by a
    factor drawn log-uniformly from [1/max_scale, max_scale]; `unit_gate` follows the permutation."""
    if not np.isfinite(max_scale) or max_scale < 1:
        raise ConfigError(f"max_scale must be finite and >= 1, got {max_scale}")
    weights = [w.copy() for w in network.weights]
    biases = [b.copy() for b in network.biases]
    unit_gate = [list(u) for u in network.unit_gate]
    for layer in range(network.depth):
        width = weights[layer].shape[0]
        order = rng.permutation(width) if permute else np.arange(width)
        scale = np.exp(rng.uniform(-np.log(max_scale), np.log(max_scale), size=width))
        weights[layer] = weights[layer][order] * scale[:, None]
        biases[layer] = biases[layer][order] * scale
        weights[layer + 1] = weights[layer + 1][:, order] / scale[None, :]
        if unit_gate:
            unit_gate[layer] = [unit_gate[layer][k] for k in order]
    return ReLUNetwork(weights, biases, unit_gate)
