"""Soft-prompt elicitation through peft on the project's GPT: training, scoring, norm bounds, curves, k*."""

import pytest
import torch

pytest.importorskip("transformers")
pytest.importorskip("peft")

from speedprior.evals.elicitation import (  # noqa: E402
    CurvePoint,
    PromptTuning,
    elicitation_curve,
    embedding_norm_range,
    k_star,
    logits_with_prefix,
    mean_interval,
    project_norms,
    score_prefix,
    train_soft_prompt,
)
from speedprior.evals.hf import SmallGPTForCausalLM  # noqa: E402
from speedprior.lm import target_scores  # noqa: E402


def test_wrapper_shares_weights_and_logits(trained_suite):
    suite, gpt = trained_suite
    hf = SmallGPTForCausalLM.wrap(gpt)
    tokens, _ = suite.tasks["reverse"].batch(4, torch.Generator().manual_seed(0))
    torch.testing.assert_close(hf(input_ids=tokens).logits, gpt(tokens))
    assert hf.get_input_embeddings() is gpt.wte


def test_score_without_prefix_is_teacher_forced_accuracy(trained_suite):
    suite, gpt = trained_suite
    hf = SmallGPTForCausalLM.wrap(gpt)
    tokens, mask = suite.tasks["shift"].batch(64, torch.Generator().manual_seed(1))
    expected = target_scores(gpt(tokens), tokens, mask)[1].mean()
    assert score_prefix(hf, None, tokens, mask) == pytest.approx(float(expected))
    assert score_prefix(hf, None, tokens, mask, metric="logprob") < 0
    with pytest.raises(ValueError, match="unknown metric"):
        score_prefix(hf, None, tokens, mask, metric="bleu")


def test_prefix_shifts_logits_to_align_with_tokens(trained_suite):
    suite, gpt = trained_suite
    hf = SmallGPTForCausalLM.wrap(gpt)
    tokens, _ = suite.tasks["shift"].batch(1, torch.Generator().manual_seed(2))
    tag = gpt.wte.weight[tokens[:, 0]].detach()  # the first token's own embedding as a one-vector "soft" prompt
    torch.testing.assert_close(logits_with_prefix(hf, tag, tokens[:, 1:]), gpt(tokens)[:, 1:])


def test_one_soft_token_elicits_an_untagged_behaviour_and_leaves_model_intact(trained_suite):
    suite, gpt = trained_suite
    before = {k: v.clone() for k, v in gpt.state_dict().items()}
    hf = SmallGPTForCausalLM.wrap(gpt)
    behaviour = suite.tasks["reverse"].untagged()
    eval_batch = behaviour.batch(256, torch.Generator().manual_seed(3))
    untuned = score_prefix(hf, None, *eval_batch)
    prompt = train_soft_prompt(hf, behaviour.batch, 1, PromptTuning(steps=120, lr=0.05), seed=0)
    assert prompt.shape == (1, gpt.config.n_embd) and not prompt.requires_grad
    assert score_prefix(hf, prompt, *eval_batch) > max(0.9, untuned + 0.2)
    for k, v in gpt.state_dict().items():
        assert torch.equal(v, before[k]), k
    assert all(p.requires_grad for p in gpt.parameters())
    same = train_soft_prompt(hf, behaviour.batch, 1, PromptTuning(steps=120, lr=0.05), seed=0)
    torch.testing.assert_close(prompt, same)  # seeded
    with pytest.raises(ValueError, match="k >= 1"):
        train_soft_prompt(hf, behaviour.batch, 0, PromptTuning(), seed=0)


def test_norm_bounded_prompt_stays_in_embedding_norm_range(trained_suite):
    suite, gpt = trained_suite
    hf = SmallGPTForCausalLM.wrap(gpt)
    low, mean, high = embedding_norm_range(hf)
    assert low <= mean <= high
    behaviour = suite.tasks["shift"].untagged()
    prompt = train_soft_prompt(hf, behaviour.batch, 3, PromptTuning(steps=30, lr=0.5, norm_bounded=True), seed=1)
    norms = prompt.norm(dim=1)
    assert (norms >= low - 1e-5).all() and (norms <= high + 1e-5).all()
    free = train_soft_prompt(hf, behaviour.batch, 3, PromptTuning(steps=30, lr=0.5), seed=1)
    assert free.norm(dim=1).max() > high  # unbounded, the same run leaves the range


def test_project_norms():
    v = torch.tensor([[3.0, 4.0], [0.3, 0.4], [0.6, 0.8]])
    torch.testing.assert_close(project_norms(v, 1.0, 2.0), torch.tensor([[1.2, 1.6], [0.6, 0.8], [0.6, 0.8]]))


def test_mean_interval_and_k_star_hand_worked():
    lo, hi = mean_interval([0.5, 0.7, 0.9])  # mean 0.7, sd 0.2, t(0.975, 2) = 4.3027
    assert (lo + hi) / 2 == pytest.approx(0.7)
    assert hi - 0.7 == pytest.approx(4.302653 * 0.2 / 3 ** 0.5, rel=1e-5)
    assert mean_interval([0.4]) == (0.4, 0.4)
    curve = [CurvePoint(1, (0.2, 0.3)), CurvePoint(2, (0.86, 0.96)), CurvePoint(4, (0.88, 0.9)), CurvePoint(8, (1.0,))]
    assert curve[1].score == pytest.approx(0.91)
    assert k_star(curve, ceiling=1.0) == 2
    assert k_star(curve, ceiling=1.0, fraction=0.95) == 8
    assert k_star(curve, ceiling=1.0, fraction=0.5, floor=0.5) == 2  # threshold 0.75
    assert k_star(curve[:1], ceiling=1.0) is None
    assert curve[1].as_dict()["ci"][0] < 0.91 < curve[1].as_dict()["ci"][1]


def test_elicitation_curve_shape(trained_suite):
    suite, gpt = trained_suite
    hf = SmallGPTForCausalLM.wrap(gpt)
    behaviour = suite.tasks["shift"].untagged()
    seen = []
    curve = elicitation_curve(hf, behaviour.batch, [1, 2], [0, 1], PromptTuning(steps=5),
                              behaviour.batch(32, torch.Generator().manual_seed(0)),
                              on_point=lambda k, s, score, p: seen.append((k, s, p.shape[0])))
    assert [p.tokens for p in curve] == [1, 2] and all(len(p.scores) == 2 for p in curve)
    assert seen == [(1, 0, 1), (1, 1, 1), (2, 0, 2), (2, 1, 2)]
