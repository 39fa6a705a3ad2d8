"""Tasks: parity (as in PonderNet), mnist1d generated offline, and scikit-learn's bundled digits.

Every dataset is a `Dataset(x, y, keys)`: inputs, integer labels and a per-example difficulty key
(number of nonzero parity elements; the class label for the image tasks) that cost profiles are
partitioned by. Every random draw takes an explicit seed or torch.Generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from speedprior.errors import ConfigError


@dataclass(frozen=True)
class Dataset:
    x: torch.Tensor  # [B, ...] float32
    y: torch.Tensor  # [B] int64
    keys: torch.Tensor  # [B] int64 difficulty key

    def __len__(self) -> int:
        return int(self.y.shape[0])

    def batch(self, size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """A random minibatch (with replacement), drawn from `generator`."""
        idx = torch.randint(len(self), (size,), generator=generator)
        return self.x[idx], self.y[idx]

    def subset(self, idx) -> Dataset:
        return Dataset(self.x[idx], self.y[idx], self.keys[idx])


# -- parity -------------------------------------------------------------------------------------------
def parity(n: int, length: int, min_nonzero: int, max_nonzero: int, generator: torch.Generator) -> Dataset:
    """PonderNet's parity task: a vector of `length` with k in [min_nonzero, max_nonzero] random
    entries set to +1 or -1 (the rest 0); the label is the parity of the number of +1 entries."""
    if not 1 <= min_nonzero <= max_nonzero <= length:
        raise ConfigError(f"need 1 <= min_nonzero <= max_nonzero <= length, got {min_nonzero}, {max_nonzero}, {length}")
    k = torch.randint(min_nonzero, max_nonzero + 1, (n,), generator=generator)  # [B] nonzero count
    # a random permutation per row; the first k positions of it get a nonzero entry
    order = torch.rand(n, length, generator=generator).argsort(dim=1)
    rank = torch.empty_like(order).scatter_(1, order, torch.arange(length).expand(n, length))
    nonzero = rank < k[:, None]  # [B, L]
    signs = torch.randint(0, 2, (n, length), generator=generator) * 2 - 1
    x = torch.where(nonzero, signs, 0).float()
    y = ((x == 1).sum(dim=1) % 2).long()
    return Dataset(x, y, k.long())


def parity_splits(length: int, train_nonzero: tuple[int, int], test_nonzero: tuple[int, int],
                  n_train: int, n_test: int, seed: int) -> tuple[Dataset, Dataset]:
    """Train and test sets. Interpolation: the same nonzero range; extrapolation: the test range
    lies above the training range (train on few nonzero elements, test on more)."""
    gen = torch.Generator().manual_seed(seed)
    train = parity(n_train, length, *train_nonzero, generator=gen)
    test = parity(n_test, length, *test_nonzero, generator=gen)
    return train, test


# -- mnist1d ---------------------------------------------------------------------------------------------
def mnist1d(num_samples: int = 5000, seed: int = 42, train_split: float = 0.8) -> tuple[Dataset, Dataset]:
    """MNIST-1D generated locally with `mnist1d.data.make_dataset` from the package's default args.

    `make_dataset` is pure NumPy and never touches the network (unlike `get_dataset`, which
    downloads a pickle by default). It reseeds NumPy's global RNG, so we restore that state after.
    """
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    args.num_samples, args.seed, args.train_split = num_samples, seed, train_split
    state = np.random.get_state()
    try:
        data = make_dataset(args)
    finally:
        np.random.set_state(state)

    def wrap(x, y):
        y = torch.as_tensor(y, dtype=torch.long)
        return Dataset(torch.as_tensor(x, dtype=torch.float32), y, y.clone())

    return wrap(data["x"], data["y"]), wrap(data["x_test"], data["y_test"])


# -- digits ----------------------------------------------------------------------------------------------
def digits(test_fraction: float = 0.25, seed: int = 0) -> tuple[Dataset, Dataset]:
    """scikit-learn's bundled 8x8 digits (no download), flattened to 64 features scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = torch.as_tensor(bunch.data / 16.0, dtype=torch.float32)
    y = torch.as_tensor(bunch.target, dtype=torch.long)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    n_test = int(len(y) * test_fraction)
    test, train = perm[:n_test], perm[n_test:]
    return Dataset(x[train], y[train], y[train].clone()), Dataset(x[test], y[test], y[test].clone())


def split(data: Dataset, fraction: float, seed: int) -> tuple[Dataset, Dataset]:
    """Split off a held-out `fraction` (for validation / threshold selection)."""
    perm = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))
    n_held = int(len(data) * fraction)
    return data.subset(perm[n_held:]), data.subset(perm[:n_held])
