"""Splitting a GPT at a block, the fine-tuning bias through SAE features, precision@k and overlap."""

import copy

import pytest
import torch
from torch import nn

from speedprior.interp.attribution import (
    feature_attribution,
    fine_tuning_bias,
    jaccard,
    precision_at_k,
    residual,
    upper_logits,
)
from speedprior.interp.sae import TopKSAE
from speedprior.lm import GPT, GPTConfig


def small_model():
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=12, block_size=8, n_layer=2, n_head=2, n_embd=16)).eval()


def test_residual_then_upper_blocks_is_the_forward_pass():
    model = small_model()
    tokens = torch.randint(0, 12, (3, 8))
    for layer in (0, 1):
        assert torch.allclose(upper_logits(model, residual(model, tokens, layer), layer), model(tokens), atol=1e-6)


def test_no_fine_tuning_no_bias_no_attribution():
    model = small_model()
    sae = TopKSAE(16, 32, 4)
    tokens = torch.randint(0, 12, (4, 8))
    positions = torch.ones(4, 8)
    bias, z = fine_tuning_bias(model, copy.deepcopy(model), sae, tokens, 0, 5, positions)
    assert torch.allclose(bias, torch.zeros(4), atol=1e-6)
    assert z.shape == (4, 8, 32)
    assert torch.allclose(feature_attribution(model, copy.deepcopy(model), sae, tokens, 0, 5, positions),
                          torch.zeros(4, 32), atol=1e-6)


class Planted(nn.Module):
    """A block followed by a change that reads one direction and writes the target token's embedding."""

    def __init__(self, block, direction, write):
        super().__init__()
        self.block, self.direction, self.write = block, direction, write

    def forward(self, x):
        return self.block(x) + torch.relu(x @ self.direction)[..., None] * self.write


def test_a_change_that_reads_one_feature_is_attributed_to_it():
    model = small_model()
    torch.manual_seed(1)
    sae = TopKSAE(16, 32, 4)
    tokens = torch.randint(0, 12, (64, 8))
    with torch.no_grad():
        z = sae.encode(residual(model, tokens, 0))
    planted = int((z > 0).sum((0, 1)).argmax())  # a feature that fires often
    tuned = copy.deepcopy(model)
    tuned.blocks[1] = Planted(tuned.blocks[1], sae.W_enc[planted].detach(), 5.0 * model.wte.weight[7].detach())
    scores = feature_attribution(model, tuned, sae, tokens, 0, 7, torch.ones(64, 8))
    assert int(scores.mean(0).argmax()) == planted
    truth = torch.zeros(32, dtype=torch.bool)
    truth[planted] = True
    assert float(precision_at_k(scores.mean(0), truth, 1)) == 1.0


def test_precision_at_k_and_jaccard():
    truth = torch.tensor([True, False, True, False])
    scores = torch.tensor([[4.0, 3.0, 2.0, 1.0], [1.0, 4.0, 3.0, 2.0]])
    assert precision_at_k(scores, truth, 2).tolist() == [0.5, 0.5]
    assert precision_at_k(scores[0], truth, 1).tolist() == [1.0]
    assert precision_at_k(scores[1], truth, 1).tolist() == [0.0]
    assert jaccard({1, 2}, {2, 3}) == pytest.approx(1 / 3)
    assert jaccard(set(), set()) == 1.0
