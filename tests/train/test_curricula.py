import torch

from speedprior.train import rollouts
from speedprior.train.data import Dataset, parity
from speedprior.train.growth import grow, mlp
from speedprior.train.loop import TrainRun, train_to_target
from speedprior.train.rollouts import ScratchpadRecurrent, mlp_step, rollout_curriculum


def xor_data():
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]).repeat(64, 1)
    y = (x[:, 0] != x[:, 1]).long()
    return Dataset(x, y, y.clone())


def test_growth_stops_at_the_first_size_that_meets_the_target():
    data, tried = xor_data(), []

    def build(size):
        torch.manual_seed(0)
        return mlp(2, 2, *size)

    def train(model):
        tried.append(model[0].out_features)
        return train_to_target(model, data, data, iterations=600, batch_size=32, lr=0.05, target=1.0,
                               eval_every=50, generator=torch.Generator().manual_seed(0))

    result = grow([(32, 1), (1, 1), (8, 1)], build, train, data.x)
    assert tried == [1, 8]  # a single ReLU unit cannot compute XOR; 8 can; 32 is never trained
    assert result.selected == (8, 1)
    assert result.compute_to_target == sum(s.run.flops for s in result.stages) > 0


def test_rollout_curriculum_stops_at_the_first_n_that_meets_the_target(monkeypatch):
    seen = []

    def fake_train(model, train, val, *, forward, **kwargs):
        n = len(seen) + 1
        seen.append(n)
        acc = float((forward(val.x).argmax(-1) == val.y).float().mean()) if n < 3 else 1.0
        return TrainRun(acc if n < 3 else 1.0, 10, 100 * n, n >= 3)

    monkeypatch.setattr(rollouts, "train_to_target", fake_train)
    data = parity(50, 4, 1, 4, torch.Generator().manual_seed(0))
    model = ScratchpadRecurrent(mlp_step(4, 2, 2, 8), 2, 2)
    result = rollout_curriculum(model, data, data, range(1, 9), iterations=1, batch_size=8, lr=1e-3, target=0.99,
                                eval_every=1, generator=torch.Generator())
    assert result.minimal_rollouts == 3 and seen == [1, 2, 3]
    assert result.compute == 100 + 200 + 300


def test_scratchpad_is_fed_back():
    model = ScratchpadRecurrent(mlp_step(3, 2, 4, 8), 2, 4)
    x = torch.randn(5, 3)
    assert model(x, 1).shape == (5, 2)
    assert not torch.allclose(model(x, 1), model(x, 3))
