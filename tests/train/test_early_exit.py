import numpy as np
import torch
from torch import nn

from speedprior.train.early_exit import (
    EarlyExitNet,
    ExitPolicy,
    early_exit_loss,
    exit_distribution,
    pareto_curve,
    select_threshold,
    simulate,
)


def synthetic_exits():
    """Three exits on 4 examples: exit 0 is confidently right on examples 0-1 and unsure on 2-3."""
    y = torch.tensor([0, 1, 0, 1])
    sure = lambda c: torch.nn.functional.one_hot(torch.tensor(c), 2).float() * 10  # noqa: E731
    head0 = torch.stack([sure(0), sure(1), torch.tensor([0.1, 0.0]), torch.tensor([0.1, 0.0])])
    head1 = torch.stack([sure(0), sure(1), sure(0), torch.tensor([0.2, 0.0])])
    head2 = torch.stack([sure(0), sure(1), sure(0), sure(1)])
    return [head0, head1, head2], y, np.array([10, 20, 30])


def test_threshold_selection_picks_the_cheapest_policy_within_the_drop():
    logits, y, costs = synthetic_exits()
    policy, acc, cost = select_threshold(logits, y, costs, "confidence", max_drop=0.0)
    assert acc == 1.0 and cost == (10 + 10 + 20 + 30) / 4
    assert simulate(logits, y, costs, policy)[2].tolist() == [0, 0, 1, 2]
    loose, acc, cost = select_threshold(logits, y, costs, "entropy", max_drop=0.5)
    assert cost == 10 and acc == 0.75  # a 50-point allowance lets every example leave at exit 0


def test_pareto_curve_is_monotone():
    logits, y, costs = synthetic_exits()
    front = pareto_curve(logits, y, costs, "confidence")
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in zip(front, front[1:], strict=False))


def test_per_example_inference_matches_simulation():
    torch.manual_seed(0)
    blocks = [nn.Sequential(nn.Linear(6, 6), nn.Tanh()) for _ in range(3)]
    net = EarlyExitNet(blocks, [nn.Linear(6, 4) for _ in range(3)])
    x, y = torch.randn(40, 6), torch.randint(0, 4, (40,))
    costs = net.exit_costs(x)
    policy = ExitPolicy("entropy", 1.3)
    logits, exits = net.infer(x, policy)
    with torch.no_grad():
        acc, _, sim_exits = simulate(net(x), y, costs, policy)
    assert torch.equal(exits, sim_exits)
    assert acc == float((logits.argmax(-1) == y).float().mean())


def test_exit_distribution_and_penalty():
    logits, y, costs = synthetic_exits()
    q = exit_distribution(logits)
    assert torch.allclose(q.sum(0), torch.ones(4))
    low, _ = early_exit_loss(logits, y, [1, 1, 1], costs, penalty=0.0)
    high, expected = early_exit_loss(logits, y, [1, 1, 1], costs, penalty=1.0)
    assert torch.isclose(high - low, expected) and 1 / 3 <= expected <= 1
