"""Random-features networks: the least-norm readout interpolates once N >= n, and not before."""

import torch

from speedprior.train.data import Dataset
from speedprior.train.random_features import accuracy_of, fit_min_norm, fit_run, random_features


def _data(n: int, seed: int = 0) -> Dataset:
    gen = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 6, generator=gen)
    y = torch.randint(0, 3, (n,), generator=gen)  # random labels: only memorisation fits them
    return Dataset(x, y, y.clone())


def test_the_readout_interpolates_random_labels_from_n_features_on():
    data = _data(40)
    wide = random_features(6, 3, 60, torch.Generator().manual_seed(1))
    fit_min_norm(wide, data, 3)
    with torch.no_grad():
        outputs = wide(data.x)
    assert torch.allclose(outputs, torch.nn.functional.one_hot(data.y, 3).float(), atol=1e-3)
    assert accuracy_of(wide, data) == 1.0
    narrow = random_features(6, 3, 4, torch.Generator().manual_seed(1))
    fit_min_norm(narrow, data, 3)
    assert accuracy_of(narrow, data) < 1.0  # 5 parameters per class cannot fit 40 random labels


def test_features_are_frozen_and_seeded():
    a = random_features(6, 3, 8, torch.Generator().manual_seed(5))
    b = random_features(6, 3, 8, torch.Generator().manual_seed(5))
    assert torch.equal(a[0].weight, b[0].weight) and not a[0].weight.requires_grad


def test_fit_run_reports_the_target():
    data = _data(30)
    run = fit_run(random_features(6, 3, 50, torch.Generator().manual_seed(2)), data, data, 3, 1.0)
    assert run.reached and run.accuracy == 1.0 and run.iterations == 1 and run.flops > 0
