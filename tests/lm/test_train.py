"""The trainer: scoring hand-worked, and a small GPT learns a synthetic language within a fixed budget."""

import math

import torch

from speedprior.lm import GPTConfig, TrainConfig, evaluate, target_scores, train_on_tasks, transduction_suite


def test_target_scores_hand_worked():
    # vocabulary of 2; the logit at i predicts token i+1; only the last token is a target
    logits = torch.tensor([[[0.0, 0.0], [math.log(3.0), 0.0], [0.0, 0.0]]])
    tokens = torch.tensor([[1, 1, 0]])
    mask = torch.tensor([[False, False, True]])
    logp, acc = target_scores(logits, tokens, mask)
    torch.testing.assert_close(logp, torch.tensor([math.log(0.75)]))
    assert acc.tolist() == [1.0]
    mask = torch.tensor([[False, True, True]])  # now token 1 (p = 0.5, argmax tie -> 0: wrong) counts too
    logp, acc = target_scores(logits, tokens, mask)
    torch.testing.assert_close(logp, torch.tensor([(math.log(0.5) + math.log(0.75)) / 2]))
    assert acc.tolist() == [0.5]


def test_gpt_learns_a_language_above_accuracy_floor():
    torch.set_num_threads(1)
    suite = transduction_suite(("reverse", "shift"), n_digits=5, length=4)
    tasks = list(suite.tasks.values())
    config = TrainConfig(steps=600, batch_size=64, lr=3e-3, eval_every=50, target_accuracy=0.97)
    model, steps = train_on_tasks(tasks, len(suite.vocab), GPTConfig(len(suite.vocab), 16, 2, 2, 32), config, seed=0)
    scores = evaluate(model, tasks, 400, torch.Generator().manual_seed(9))
    assert min(scores.values()) > 0.95, scores
    assert steps < 600  # reached the floor before the budget ran out
    fresh = train_on_tasks(tasks, len(suite.vocab), GPTConfig(len(suite.vocab), 16, 2, 2, 32),
                           TrainConfig(steps=1), seed=0)[0]
    assert max(evaluate(fresh, tasks, 400, torch.Generator().manual_seed(9)).values()) < 0.5  # not by luck
