"""Capability-decay metrics against hand-worked examples, and the decay protocol on a tiny setup."""

import pytest
import torch

from speedprior.evals.decay import backward_transfer, forgetting, half_life, run_decay
from speedprior.lm import GPTConfig, TrainConfig, decay_setup


def test_bwt_and_forgetting_hand_worked_monotone():
    R = [[0.9, 0.2, 0.1],
         [0.7, 0.8, 0.1],
         [0.5, 0.6, 0.9]]
    assert backward_transfer(R) == pytest.approx(((0.5 - 0.9) + (0.6 - 0.8)) / 2)  # -0.3
    assert forgetting(R) == pytest.approx(((0.9 - 0.5) + (0.8 - 0.6)) / 2)  # 0.3


def test_forgetting_uses_best_earlier_accuracy_not_the_diagonal():
    # task 0 peaks after stage 1 (0.8), later than its own stage (0.6); task 1 improves after its stage
    R = [[0.6, 0.1, 0.0],
         [0.8, 0.7, 0.2],
         [0.4, 0.75, 0.9]]
    assert backward_transfer(R) == pytest.approx(((0.4 - 0.6) + (0.75 - 0.7)) / 2)  # -0.075
    assert forgetting(R) == pytest.approx(((0.8 - 0.4) + (0.7 - 0.75)) / 2)  # 0.175, negative part kept


def test_two_task_matrix_forgetting_is_minus_bwt():
    R = [[0.95, 0.9], [0.35, 0.97]]
    assert backward_transfer(R) == pytest.approx(-0.6)
    assert forgetting(R) == pytest.approx(0.6)


def test_matrix_must_be_square():
    for bad in ([[1.0]], [[1.0, 0.5]], [1.0, 2.0]):
        with pytest.raises(ValueError, match="square"):
            forgetting(bad)


def test_half_life_hand_worked():
    # above chance: 0.8 at the drop; half is 0.4 above chance = accuracy 0.5, crossed between 100 and 200
    assert half_life([0, 100, 200, 300], [0.9, 0.7, 0.4, 0.2], chance=0.1) == pytest.approx(100 + 100 * 0.2 / 0.3)
    assert half_life([1000, 1100, 1200], [0.9, 0.5, 0.5], chance=0.1) == pytest.approx(100.0)  # relative to drop
    assert half_life([0, 100], [0.9, 0.8], chance=0.1) is None  # not within the run
    assert half_life([0, 100], [0.1, 0.1], chance=0.1) is None  # nothing to lose
    with pytest.raises(ValueError):
        half_life([0, 1], [0.5], chance=0.1)


def test_run_decay_records_both_stages():
    torch.set_num_threads(1)
    setup = decay_setup("A", n_languages=2, modulus=3, seed=0)
    width = 5
    config = GPTConfig(len(setup.vocab), width, 2, 2, 32)
    joint = TrainConfig(steps=300, batch_size=64, lr=1e-2, eval_every=100, warmup=10)
    events = []
    result = run_decay(setup, config, joint, decay_steps=200, seed=0, eval_size=64,
                       on_eval=lambda stage, step, scores: events.append((stage, step)))
    assert result.steps == list(range(0, 501, 100)) and result.drop_step == 300
    assert [s for s, _ in events] == ["joint"] * 4 + ["decay"] * 2
    R = result.accuracy_matrix()
    assert R[0][0] > 0.9 and R[0][1] > 0.9  # both learned jointly
    s = result.summary()
    assert s["bwt"] == pytest.approx(R[1][0] - R[0][0], abs=1e-4) and s["forgetting"] == pytest.approx(-s["bwt"])
    with pytest.raises(ValueError, match="multiples"):
        run_decay(setup, config, TrainConfig(steps=150, eval_every=100), decay_steps=100, seed=0)
