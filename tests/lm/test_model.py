"""The GPT: shapes, input checks, and the myopic switch (same forward, gradients cut across positions)."""

import math

import pytest
import torch
from torch.nn import functional as F

from speedprior.lm.model import GPT, CausalSelfAttention, GPTConfig


def tiny(myopic=False, **kw):
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=8, myopic=myopic, **kw)).double()


def test_logits_shape_and_embeds_path_agree():
    model = tiny()
    idx = torch.randint(0, 11, (3, 7))
    logits = model(idx)
    assert logits.shape == (3, 7, 11)
    torch.testing.assert_close(model(inputs_embeds=model.wte(idx)), logits)


def test_bad_inputs_raise():
    model = tiny()
    with pytest.raises(ValueError, match="block_size"):
        model(torch.zeros(1, 9, dtype=torch.long))
    with pytest.raises(ValueError, match="exactly one"):
        model()
    with pytest.raises(ValueError, match="multiple of n_head"):
        GPTConfig(n_embd=10, n_head=3)


def test_causal_later_tokens_do_not_change_earlier_logits():
    model = tiny()
    a = torch.randint(0, 11, (1, 6))
    b = a.clone()
    b[0, 4:] = (b[0, 4:] + 1) % 11
    torch.testing.assert_close(model(a)[:, :4], model(b)[:, :4])


def test_myopic_forward_is_identical():
    vanilla, myopic = tiny(False), tiny(True)
    myopic.load_state_dict(vanilla.state_dict())
    idx = torch.randint(0, 11, (4, 8))
    torch.testing.assert_close(myopic(idx), vanilla(idx), rtol=0, atol=1e-12)


def position_gradients(model, t):
    """d(loss at position t) / d(input embedding at every position), (T, C)."""
    idx = torch.randint(0, 11, (1, 6), generator=torch.Generator().manual_seed(1))
    emb = model.wte(idx).detach().requires_grad_(True)
    logits = model(inputs_embeds=emb)
    F.cross_entropy(logits[0, t:t + 1], idx[0, t:t + 1]).backward()
    return emb.grad[0]


def test_myopic_loss_at_t_does_not_reach_earlier_positions():
    for t in (1, 3, 5):
        g_my = position_gradients(tiny(True), t)
        g_van = position_gradients(tiny(False), t)
        assert g_my[:t].abs().max() == 0  # nothing earlier is trained by the loss at t
        assert g_my[t].abs().max() > 0  # the position itself is
        assert g_van[:t].abs().max() > 0  # the vanilla model does send gradient back
        torch.testing.assert_close(g_my[t + 1:], torch.zeros_like(g_my[t + 1:]))  # causal either way


def test_myopic_and_vanilla_gradients_agree_on_first_position_loss():
    vanilla, myopic = tiny(False), tiny(True)
    idx = torch.randint(0, 11, (2, 5))
    for model in (vanilla, myopic):
        F.cross_entropy(model(idx)[:, 0], idx[:, 1]).backward()
    for (name, a), (_, b) in zip(vanilla.named_parameters(), myopic.named_parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad, msg=name)


def naive_myopic_attention(attn: CausalSelfAttention, x):
    """Position by position: the query at t sees earlier keys/values computed from frozen copies."""
    B, T, C = x.shape
    nh, hs = attn.n_head, C // attn.n_head
    W, b = attn.c_attn.weight, attn.c_attn.bias
    outs = []
    for t in range(T):
        live = F.linear(x[:, t], W, b).view(B, 3, nh, hs)  # (B, 3, nh, hs)
        past = F.linear(x[:, :t].detach(), W.detach(), b.detach()).view(B, t, 3, nh, hs)
        q = live[:, 0]
        keys = torch.cat([past[:, :, 1], live[:, None, 1]], dim=1)  # (B, t+1, nh, hs)
        vals = torch.cat([past[:, :, 2], live[:, None, 2]], dim=1)
        att = torch.softmax(torch.einsum("bhd,bshd->bhs", q, keys) / math.sqrt(hs), dim=-1)
        outs.append(torch.einsum("bhs,bshd->bhd", att, vals).reshape(B, C))
    return attn.c_proj(torch.stack(outs, dim=1))


def test_myopic_attention_gradients_match_naive_twin():
    torch.manual_seed(3)
    attn = CausalSelfAttention(GPTConfig(n_embd=8, n_head=2, myopic=True)).double()
    for p in attn.parameters():
        torch.nn.init.normal_(p, std=0.5)
    x = torch.randn(2, 5, 8, dtype=torch.double, requires_grad=True)
    w = torch.randn(2, 5, 8, dtype=torch.double)  # a loss that weighs every position
    fast_out = attn(x)
    fast = torch.autograd.grad((fast_out * w).sum(), [x, *attn.parameters()])
    slow_out = naive_myopic_attention(attn, x)
    slow = torch.autograd.grad((slow_out * w).sum(), [x, *attn.parameters()])
    torch.testing.assert_close(fast_out, slow_out)
    for a, b in zip(fast, slow, strict=True):
        torch.testing.assert_close(a, b)


def test_myopic_attention_passes_gradcheck():
    torch.manual_seed(4)
    attn = CausalSelfAttention(GPTConfig(n_embd=4, n_head=2, myopic=True)).double()
    x = torch.randn(1, 4, 4, dtype=torch.double, requires_grad=True)
    # The myopic backward is a different (non-true) gradient, so gradcheck applies to the part that
    # is true: the last position's output, whose keys at s < t are constants of the input's detached copy.
    assert torch.autograd.gradcheck(lambda z: attn(z)[:, 0], (x,))


def test_with_myopic_switches_in_place():
    model = tiny(False)
    assert model.with_myopic(True) is model
    assert model.config.myopic and all(b.attn.myopic for b in model.blocks)
