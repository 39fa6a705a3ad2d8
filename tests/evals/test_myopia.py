"""Myopia tasks: exact targets on hand-worked sequences, and the gap where pre-caching helps."""

import pytest
import torch

from speedprior.evals.myopia import MYOPIA_TASKS, QueryTask, myopia_gap, query_task
from speedprior.lm import GPTConfig, TrainConfig


def test_pair_count_hand_worked():
    member = torch.zeros(3, 3, dtype=torch.bool)
    member[0, 1] = member[2, 2] = True
    task = QueryTask("pair-count", 3, 5, member)
    x = torch.tensor([[0, 1, 2, 2, 2]])  # pairs 01 12 22 22 -> 3 members
    count = member[x[:, :-1], x[:, 1:]].sum(1)
    assert count.tolist() == [3]
    inputs, targets = task.sample(64, torch.Generator().manual_seed(0))
    assert inputs.shape == targets.shape == (64, 6) and (inputs[:, -1] == task.query).all()
    assert torch.equal(targets[:, :-1], inputs[:, :-1])  # digits echo themselves
    expected = member[inputs[:, :-2], inputs[:, 1:-1]].sum(1) + 4
    assert torch.equal(targets[:, -1], expected)


def test_token_count_and_member_sets():
    pair = query_task("pair-count", n_digits=4, seed=1)
    assert pair.member.shape == (4, 4) and int(pair.member.sum()) == 8
    tok = query_task("token-count", n_digits=4, length=6, seed=1)
    assert int(tok.member.sum()) == 2 and tok.vocab_size == 4 + 1 + 6 + 1
    inputs, targets = tok.sample(32, torch.Generator().manual_seed(2))
    assert torch.equal(targets[:, -1] - 5, tok.member[inputs[:, :-1]].sum(1))
    with pytest.raises(ValueError, match="unknown myopia task"):
        query_task("parity")
    assert MYOPIA_TASKS == ("pair-count", "token-count")


def test_gap_report_is_consistent_and_trains_both_modes():
    torch.set_num_threads(1)
    task = query_task("token-count", n_digits=3, length=4)
    out = myopia_gap(task, GPTConfig(task.vocab_size, 5, 1, 1, 16), TrainConfig(steps=5, eval_every=5), seed=0,
                     test_size=64)
    assert out["myopia_gap"] == pytest.approx(out["myopic"]["loss"] - out["vanilla"]["loss"], abs=2e-4)
    # both modes are trained, normal first
    trace = []
    myopia_gap(task, GPTConfig(task.vocab_size, 5, 1, 1, 16), TrainConfig(steps=1, eval_every=1, eval_size=32),
               seed=0, test_size=8, on_eval=lambda mode, step, loss, acc: trace.append((mode, loss)))
    assert [m for m, _ in trace] == ["vanilla", "myopic"]
