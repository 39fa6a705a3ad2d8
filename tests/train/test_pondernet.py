import math

import pytest
import torch
from torch import nn

from speedprior.train.act import ACT
from speedprior.train.pondernet import (
    GRUStep,
    PonderNet,
    geometric_log_prior,
    halting_log_probs,
    kl_to_prior,
    ponder_loss,
)
from speedprior.train.rollout_predictor import rollouts_needed, train_predictor


def test_halting_distribution_sums_to_one():
    logits = torch.randn(9, 5)
    assert torch.allclose(halting_log_probs(logits).exp().sum(0), torch.ones(5), atol=1e-6)


def test_truncated_geometric_prior_sums_to_one_and_matches_formula():
    prior = geometric_log_prior(0.3, 4).exp()
    raw = torch.tensor([0.3 * 0.7**n for n in range(4)])
    assert torch.allclose(prior, raw / raw.sum())
    assert math.isclose(prior.sum().item(), 1.0, rel_tol=1e-6)
    far = geometric_log_prior(0.99, 300)  # p_G underflows in probability space, not in log space
    assert torch.isfinite(far).all() and math.isclose(far.exp().sum().item(), 1.0, rel_tol=1e-5)


def test_kl_against_hand_computed_value():
    # lambda_1 = sigmoid(0) = 1/2, so p = (1/2, 1/2); prior lambda_p = 1/2, N = 2: p_G = (2/3, 1/3)
    log_p = halting_log_probs(torch.zeros(2, 1))
    kl = kl_to_prior(log_p, geometric_log_prior(0.5, 2))
    expected = 0.5 * math.log(0.5 / (2 / 3)) + 0.5 * math.log(0.5 / (1 / 3))
    assert math.isclose(kl.item(), expected, rel_tol=1e-5)


@pytest.mark.parametrize("value", [100.0, -100.0, 1e4, -1e4])
def test_loss_and_gradients_finite_when_halting_probabilities_underflow(value):
    halts = torch.full((6, 4), value, requires_grad=True)
    halts_mixed = torch.where(torch.arange(6)[:, None] % 2 == 0, halts, -halts)
    logits = torch.randn(6, 4, 2, requires_grad=True)
    for h in (halts, halts_mixed):
        loss = ponder_loss(logits, h, torch.tensor([0, 1, 0, 1]), geometric_log_prior(0.2, 6), beta=0.01)
        loss.total.backward(retain_graph=True)
        assert torch.isfinite(loss.total) and torch.isfinite(halts.grad).all() and torch.isfinite(logits.grad).all()


class ThresholdStep(nn.Module):
    """Halts at step 1 when x[:, 0] > 0 and at step 3 otherwise; counts the rows it processes."""

    def __init__(self):
        super().__init__()
        self.rows = 0

    def forward(self, x, state):
        state = torch.zeros(x.shape[0]) if state is None else state + 1
        self.rows += x.shape[0]
        halt = torch.where((x[:, 0] > 0) | (state >= 2), 50.0, -50.0)
        return state, torch.stack([x[:, 0], state], -1), halt


def test_inference_halts_each_example_on_its_own():
    x = torch.tensor([[1.0], [-1.0], [2.0], [-3.0]])
    step = ThresholdStep()
    result = PonderNet(step, max_steps=10).infer(x)
    assert result.steps.tolist() == [1, 3, 1, 3]
    assert step.rows == 4 + 2 + 2  # later steps ran only on the two examples still pondering
    assert result.logits[1].tolist() == [-1.0, 2.0]  # the answer at its own halting step


def test_sampled_halting_is_seeded():
    torch.manual_seed(0)
    model = PonderNet(GRUStep(3, 8, 2), 6)
    x = torch.randn(40, 3)
    a = model.infer(x, rule="sample", generator=torch.Generator().manual_seed(3))
    b = model.infer(x, rule="sample", generator=torch.Generator().manual_seed(3))
    assert torch.equal(a.steps, b.steps)


def test_run_for_uses_the_prescribed_steps():
    step = ThresholdStep()
    result = PonderNet(step, 5).run_for(torch.ones(3, 1), torch.tensor([1, 2, 9]))
    assert result.steps.tolist() == [1, 2, 5] and step.rows == 3 + 2 + 1 + 1 + 1


def test_act_halting_bias_negative_and_per_example_inference():
    torch.manual_seed(0)
    act = ACT(GRUStep(4, 8, 2), max_steps=6, halt_bias=-2.0)
    assert (act.step.halt.bias == -2.0).all()
    x, y = torch.randn(16, 4), torch.randint(0, 2, (16,))
    loss, ponder = act.loss(x, y, tau=0.01)
    loss.backward()
    assert torch.isfinite(loss) and (ponder >= 1).all()
    result = ACT(ThresholdStep(), max_steps=10).infer(torch.tensor([[1.0], [-1.0]]))
    assert result.steps.tolist() == [1, 3]


class CountingModel(PonderNet):
    """Answers class 1 from step `settle` onwards, class 0 before (and at step 1, by luck, class 1)."""

    def __init__(self, settle):
        super().__init__(nn.Linear(1, 1), max_steps=5)
        self.settle = settle

    def forward(self, x, n_steps=None):
        steps = torch.arange(1, 6)[:, None]
        right = (steps >= self.settle[None, :]) | (steps == 1)
        logits = torch.stack([(~right).float(), right.float()], -1)
        return logits, torch.zeros(5, x.shape[0])


def test_rollouts_needed_ignores_lucky_early_answers():
    model = CountingModel(torch.tensor([1, 3, 5, 9]))
    assert rollouts_needed(model, torch.zeros(4, 1), torch.ones(4, dtype=torch.long)).tolist() == [1, 3, 5, 5]


def test_predictor_is_trained_offline_on_a_frozen_model():
    torch.manual_seed(0)
    model = PonderNet(GRUStep(3, 8, 2), 4)
    before = [p.clone() for p in model.parameters()]
    x, y = torch.randn(64, 3), torch.randint(0, 2, (64,))
    predictor, fit = train_predictor(model, x, y, 20, 16, 1e-2, 8, torch.Generator().manual_seed(0))
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    assert all(p.requires_grad for p in model.parameters()) and 0 <= fit <= 1
    assert predictor.predict(x).min() >= 1 and predictor.predict(x).max() <= 4
