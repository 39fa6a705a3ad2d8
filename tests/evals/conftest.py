"""A small GPT trained once per test session on two transductions (tagged, with a short preamble)."""

import pytest
import torch

from speedprior.lm import GPTConfig, TrainConfig, train_on_tasks, transduction_suite


@pytest.fixture(scope="session")
def trained_suite():
    """(suite, model): `reverse` and `shift` over 4 digits of length 3, learned to >= 0.97 accuracy."""
    torch.set_num_threads(1)
    suite = transduction_suite(("reverse", "shift"), n_digits=4, length=3, preamble=2, n_filler=2)
    tasks = list(suite.tasks.values())
    config = TrainConfig(steps=1500, batch_size=64, lr=3e-3, eval_every=50, target_accuracy=0.97)
    model, _ = train_on_tasks(tasks, len(suite.vocab), GPTConfig(len(suite.vocab), 16, 2, 2, 32), config, seed=0)
    return suite, model
