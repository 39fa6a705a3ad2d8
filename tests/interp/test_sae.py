"""The TopK sparse autoencoder: exact sparsity, unit decoder rows, recovery of a planted dictionary."""

import pytest
import torch

from speedprior.interp.sae import SAETrainConfig, TopKSAE, fraction_unexplained, train_sae


def test_topk_keeps_at_most_k_features_and_unit_decoder_rows():
    torch.manual_seed(0)
    sae = TopKSAE(d_model=8, n_features=32, k=3)
    z = sae.encode(torch.randn(100, 8))
    assert z.shape == (100, 32)
    assert int((z > 0).sum(1).max()) <= 3 and bool((z >= 0).all())
    assert torch.allclose(sae.W_dec.norm(dim=1), torch.ones(32))
    with pytest.raises(ValueError, match="k must be"):
        TopKSAE(8, 4, 5)


def test_recovers_a_planted_sparse_dictionary():
    gen = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    truth = torch.randn(12, 16, generator=gen)
    truth /= truth.norm(dim=1, keepdim=True)
    codes = torch.zeros(4000, 12)
    active = torch.rand(4000, 12, generator=gen).argsort(1)[:, :2]  # two of twelve directions per sample
    codes.scatter_(1, active, 1 + torch.rand(4000, 2, generator=gen))
    x = codes @ truth
    sae = TopKSAE(16, 24, k=2)
    fvu = train_sae(sae, x, SAETrainConfig(steps=1500, batch_size=128, lr=5e-3), gen)
    assert fvu == pytest.approx(fraction_unexplained(sae, x))
    assert fvu < 0.1
    cos = (truth @ sae.W_dec.detach().T).max(1).values  # best-matching learned direction per true one
    assert float((cos > 0.9).float().mean()) >= 0.75
