"""Benchmarks for the neural speed priors (run: .venv/bin/python benchmarks/bench_train.py).

1. Training steps per second of our PonderNet step (log-space halting distribution, one batched
   cross-entropy over all steps) against a straightforward reference loop in the same process
   (probability-space halting, a Python loop of per-step losses), same model, data and seed.
2. Accounting overhead: the time FLOP accounting adds (cached per-example FLOPs, costs per example,
   a CostProfile and its statistics) relative to the per-example-halting inference it accounts for;
   the same for early-exit inference. (Timing the two whole passes against each other drowns a
   sub-millisecond difference in scheduling noise on a shared machine.)
Ratios are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from torch import nn

from speedprior.nn import FlopMeter, profile, step_costs
from speedprior.train.common import step_flops
from speedprior.train.data import parity
from speedprior.train.early_exit import EarlyExitNet, ExitPolicy
from speedprior.train.pondernet import GRUStep, PonderNet, geometric_log_prior, ponder_loss


def reference_step(model, opt, x, y, lambda_p, beta):
    """The straightforward PonderNet loss: probabilities multiplied out step by step."""
    state, not_halted, loss_rec, ps = None, torch.ones(x.shape[0]), 0.0, []
    for n in range(model.max_steps):
        state, logits, halt = model.step(x, state)
        lam = torch.sigmoid(halt) if n < model.max_steps - 1 else torch.ones_like(halt)
        p = not_halted * lam
        not_halted = not_halted * (1 - lam)
        loss_rec = loss_rec + (p * F.cross_entropy(logits, y, reduction="none")).mean()
        ps.append(p)
    p = torch.stack(ps)
    prior = torch.tensor([lambda_p * (1 - lambda_p) ** n for n in range(model.max_steps)])
    prior = prior / prior.sum()
    kl = (p * torch.log(p / prior[:, None] + 1e-12)).sum(0).mean()
    loss = loss_rec + beta * kl
    opt.zero_grad()
    loss.backward()
    opt.step()


def our_step(model, opt, x, y, log_prior, beta):
    logits, halts = model(x)
    loss = ponder_loss(logits, halts, y, log_prior, beta)
    opt.zero_grad(set_to_none=True)
    loss.total.backward()
    opt.step()


def steps_per_second(fns, batches, repeats=3):
    """Best steps/s of each training-step function, alternating them so machine noise hits both."""
    best = [0.0] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            for x, y in batches:
                fn(x, y)
            best[i] = max(best[i], len(batches) / (time.perf_counter() - start))
    return best


def timed(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(0)
    data = parity(20_000, 8, 1, 8, gen)
    batches = [data.batch(128, gen) for _ in range(args.steps)]

    torch.manual_seed(0)
    ours = PonderNet(GRUStep(8, 32, 2), 20)
    torch.manual_seed(0)
    ref = PonderNet(GRUStep(8, 32, 2), 20)
    opt_ours, opt_ref = torch.optim.Adam(ours.parameters(), 3e-3), torch.optim.Adam(ref.parameters(), 3e-3)
    log_prior = geometric_log_prior(0.3, 20)
    sps_ours, sps_ref = steps_per_second([lambda x, y: our_step(ours, opt_ours, x, y, log_prior, 0.1),
                                          lambda x, y: reference_step(ref, opt_ref, x, y, 0.3, 0.1)], batches)
    print(f"PonderNet training: ours {sps_ours:.1f} steps/s, reference loop {sps_ref:.1f} steps/s, "
          f"ratio {sps_ours / sps_ref:.2f}x")

    # accounting overhead: per-example halting on 8000 test inputs
    nn.init.normal_(ours.step.halt.weight, std=1.0)
    test = parity(8000, 8, 1, 8, gen)
    meter = FlopMeter()
    step_flops(ours.step, test.x, meter)  # measured once, as in a run; cached afterwards

    result = ours.infer(test.x)

    def accounting():  # what accounting adds to a forward pass: cached FLOPs, costs, profile statistics
        prof = profile(step_costs(result.steps, *step_flops(ours.step, test.x, meter)), test.keys)
        prof.statistic("mean"), prof.statistic("q0.9"), prof.by_cell("mean")

    plain, extra = timed(lambda: ours.infer(test.x), 7), timed(accounting, 7)
    print(f"PonderNet inference on 8000 inputs: {plain * 1e3:.1f} ms; accounting adds {extra * 1e3:.2f} ms, "
          f"overhead ratio {(plain + extra) / plain:.4f}")

    torch.manual_seed(0)
    net = EarlyExitNet([nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 64)) for _ in range(6)],
                       [nn.Linear(64, 10) for _ in range(6)])
    x = torch.randn(8000, 64)
    costs = net.exit_costs(x, meter)
    policy = ExitPolicy("confidence", 0.15)

    _, exits = net.infer(x, policy)

    def ee_accounting():
        prof = profile(costs[exits.numpy()])
        prof.statistic("mean"), prof.statistic("q0.9")

    plain, extra = timed(lambda: net.infer(x, policy), 7), timed(ee_accounting, 7)
    print(f"Early-exit inference on 8000 inputs: {plain * 1e3:.1f} ms; accounting adds {extra * 1e3:.2f} ms, "
          f"overhead ratio {(plain + extra) / plain:.4f}")


if __name__ == "__main__":
    main()
