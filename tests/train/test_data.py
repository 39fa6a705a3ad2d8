import socket

import pytest
import torch

from speedprior.errors import ConfigError
from speedprior.train.data import digits, mnist1d, parity, parity_splits


def test_parity_labels_and_nonzero_counts():
    data = parity(500, 10, 2, 6, torch.Generator().manual_seed(0))
    nonzero = (data.x != 0).sum(1)
    assert torch.equal(nonzero, data.keys) and nonzero.min() >= 2 and nonzero.max() <= 6
    assert set(data.x.unique().tolist()) <= {-1.0, 0.0, 1.0}
    for row, label in zip(data.x.tolist(), data.y.tolist(), strict=True):
        assert label == sum(v == 1.0 for v in row) % 2


def test_parity_is_seeded_and_extrapolation_split_is_disjoint_in_difficulty():
    a_train, a_test = parity_splits(12, (1, 6), (7, 12), 300, 300, seed=5)
    b_train, _ = parity_splits(12, (1, 6), (7, 12), 300, 300, seed=5)
    assert torch.equal(a_train.x, b_train.x)
    assert a_train.keys.max() <= 6 and a_test.keys.min() >= 7


def test_parity_rejects_bad_ranges():
    with pytest.raises(ConfigError):
        parity(10, 4, 3, 6, torch.Generator())


def test_mnist1d_is_generated_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("mnist1d tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    import requests

    monkeypatch.setattr(requests, "get", no_network)
    state = torch.randint(0, 10**6, (1,))
    train, test = mnist1d(num_samples=200, seed=1)
    assert train.x.shape == (160, 40) and test.x.shape == (40, 40)
    assert set(train.y.tolist()) <= set(range(10))
    again, _ = mnist1d(num_samples=200, seed=1)
    assert torch.equal(train.x, again.x)
    assert state.numel() == 1


def test_digits_are_bundled():
    train, test = digits()
    assert train.x.shape[1] == 64 and len(train) + len(test) == 1797
    assert 0 <= float(train.x.min()) and float(train.x.max()) <= 1
