"""Autoencoders trained with the model: shared vs per-block stacks, the joint loss, evaluation."""

import pytest
import torch

from speedprior.interp.shared_sae import SAEStack, block_fvu, evaluate_stack, logits_and_residuals, train_jointly
from speedprior.lm import GPT, GPTConfig, transduction_suite
from speedprior.lm.languages import mixture_batch


def test_shared_stack_has_one_autoencoder_per_block_stack_one_each():
    shared = SAEStack(3, 16, 32, 4, shared=True)
    per_block = SAEStack(3, 16, 32, 4, shared=False)
    assert len(shared.saes) == 1 and all(shared.for_block(b) is shared.saes[0] for b in range(3))
    assert len(per_block.saes) == 3 and len({id(per_block.for_block(b)) for b in range(3)}) == 3


def test_residuals_end_in_the_logits_and_fvu_is_scale_free():
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=12, block_size=8, n_layer=2, n_head=2, n_embd=16)).eval()
    tokens = torch.randint(0, 12, (4, 8))
    logits, residuals = logits_and_residuals(model, tokens)
    assert len(residuals) == 2 and torch.allclose(logits, model(tokens), atol=1e-6)
    stack = SAEStack(2, 16, 32, 4, shared=True)
    r = residuals[1].detach()
    with torch.no_grad():
        stack.saes[0].b_dec.zero_()  # with a zero decoder bias the autoencoder is scale-equivariant
        assert float(block_fvu(stack.saes[0], r)) == pytest.approx(float(block_fvu(stack.saes[0], 10 * r)), rel=1e-4)


def test_joint_training_lowers_lm_loss_and_fvu():
    suite = transduction_suite(("copy",), n_digits=4, length=3)
    tasks = list(suite.tasks.values())
    torch.manual_seed(0)
    model = GPT(GPTConfig(len(suite.vocab), 8, 2, 2, 16))
    stack = SAEStack(2, 16, 16, 2, shared=True)
    tokens, mask = mixture_batch(tasks, 128, torch.Generator().manual_seed(1))
    before = evaluate_stack(model, stack, tokens, mask)
    log = []
    train_jointly(model, stack, lambda n, g: mixture_batch(tasks, n, g), 60, 32, 3e-3, 1.0,
                  torch.Generator().manual_seed(0), lambda *a: log.append(a), log_every=20)
    after = evaluate_stack(model, stack, tokens, mask)
    assert [step for step, _, _ in log] == [20, 40, 60]
    assert after["lm_loss"] < before["lm_loss"]
    assert sum(after["fvu"]) < sum(before["fvu"])
    assert len(after["usage"]) == 2 and after["usage"][0].shape == (16,)
    assert set(evaluate_stack(model, None, tokens, mask)) == {"lm_loss"}
