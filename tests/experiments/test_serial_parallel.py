"""serial-parallel: the ReLU parity networks are exact, and the priors see what the constructions predict."""

import numpy as np
import pytest

from speedprior.errors import ConfigError
from speedprior.experiments import load_config, run_config
from speedprior.experiments.serial_parallel import network_flops, parity_network, run_network


@pytest.mark.parametrize("n", [2, 5, 8])
def test_the_networks_compute_parity_and_the_twin_flips_all_ones(n):
    x = ((np.arange(1 << n)[:, None] >> np.arange(n)) & 1).astype(float)
    parity = x.sum(1) % 2
    honest, twin = parity_network(n, False), parity_network(n, True)
    assert np.allclose(run_network(honest, x), parity)
    expected = parity.copy()
    expected[-1] = 1 - expected[-1]
    assert np.allclose(run_network(twin, x), expected)
    assert network_flops(twin) - network_flops(honest) == 2 * n + 2  # one hidden unit: n weights in, one out
    assert len(twin) == len(honest) == 2


def test_depth_and_parallel_time_miss_the_parallel_trigger_in_a_chain(tmp_path):
    summary = run_config({"kind": "serial-parallel", "lengths": [5, 8]}, tmp_path / "run", quiet=True)
    seen = summary["seen_at"]
    chain = seen["chain + parallel trigger"]
    assert chain["size / FLOPs"] == [5, 8] and chain["average, serial cost"] == [5, 8]
    assert chain["depth / layers"] == [5]  # at n = 5 the trigger is one level too deep to hide
    assert chain["max, parallel time"] == [5]
    network = seen["network + parallel trigger"]
    assert network["depth / layers"] == [] and network["size / FLOPs"] == [5, 8]
    assert all(ns == [5, 8] for ns in seen["tree + serial trigger"].values() if ns is not None)


def test_lengths_are_checked():
    with pytest.raises(ConfigError, match="lengths"):
        load_config({"kind": "serial-parallel", "lengths": [1]})
    with pytest.raises(ConfigError, match="lengths"):
        load_config({"kind": "serial-parallel", "lengths": [17]})
