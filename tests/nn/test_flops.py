import numpy as np
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from speedprior.nn import FlopMeter, count_flops, exit_costs, profile, step_costs, training_step_flops
from speedprior.train.common import step_flops
from speedprior.train.early_exit import EarlyExitNet, ExitPolicy
from speedprior.train.pondernet import GRUStep, PonderNet


def measured(fn, *args):
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        fn(*args)
    return counter.get_total_flops()


def test_count_flops_of_linear_layer():
    layer = nn.Linear(5, 7)
    assert count_flops(layer, torch.zeros(3, 5)) == 2 * 3 * 5 * 7


def test_meter_measures_per_example_once_and_caches():
    layer, meter = nn.Linear(4, 6), FlopMeter()
    assert meter.per_example(layer, torch.zeros(10, 4)) == 2 * 4 * 6
    assert meter.per_example(layer, torch.zeros(99, 4)) == 2 * 4 * 6  # same shape per example: cached
    assert len(meter._cache) == 1


def test_training_step_flops_counts_backward_and_keeps_grads():
    model = nn.Linear(4, 3)
    x, y = torch.zeros(8, 4), torch.zeros(8, dtype=torch.long)
    flops = training_step_flops(model, lambda m, a, b: nn.functional.cross_entropy(m(a), b), x, y)
    assert flops == 2 * (2 * 8 * 4 * 3)  # forward and grad wrt weight (x needs no grad)
    assert model.weight.grad is None


def test_ponder_accounting_equals_flop_counter_on_the_steps_used():
    torch.manual_seed(0)
    model = PonderNet(GRUStep(6, 16, 2), max_steps=7)
    nn.init.normal_(model.step.halt.weight, std=2.0)  # spread halting steps across examples
    x = torch.randn(64, 6)
    result = model.infer(x)
    assert result.steps.min() < result.steps.max()
    costs = step_costs(result.steps, *step_flops(model.step, x, FlopMeter()))
    assert costs.sum() == measured(model.infer, x)


def test_early_exit_accounting_equals_flop_counter_on_the_blocks_used():
    torch.manual_seed(0)
    blocks = [nn.Sequential(nn.Linear(8, 8), nn.ReLU()) for _ in range(4)]
    net = EarlyExitNet(blocks, [nn.Linear(8, 3) for _ in range(4)])
    x = torch.randn(50, 8)
    costs = net.exit_costs(x)
    policy = ExitPolicy("confidence", 0.4)
    _, exits = net.infer(x, policy)
    assert 0 < len(set(exits.tolist())) and exits.min() < 3
    assert costs[exits.numpy()].sum() == measured(net.infer, x, policy)


def test_exit_costs_are_cumulative():
    np.testing.assert_array_equal(exit_costs([10, 10, 10], [1, 1, 1]), [11, 22, 33])
    np.testing.assert_array_equal(exit_costs([10, 10], [1, 2], evaluate_all_heads=False), [11, 22])


def test_profile_partitions_costs_by_difficulty():
    prof = profile(step_costs(torch.tensor([1, 2, 3, 3]), 10, 5), keys=torch.tensor([1, 1, 2, 2]))
    assert prof.by_cell("mean") == {1: 12.5, 2: 20.0}
    assert prof.statistic("max") == 20.0
