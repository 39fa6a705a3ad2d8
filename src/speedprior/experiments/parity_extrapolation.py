"""`parity-extrapolation`: the PonderNet experiment in the extrapolation setting.

Same model, loss and summary as `pondernet`; the config trains on inputs with few nonzero
entries and tests on more (`train_nonzero` below `test_nonzero`), the setting of Banino et
al.'s parity extrapolation. The shipped config is `configs/parity-extrapolation.toml`.
"""

from speedprior.experiments.pondernet import Config, run

__all__ = ["Config", "run"]
