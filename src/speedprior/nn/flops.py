"""FLOPs of a module call, measured once with `torch.utils.flop_counter.FlopCounterMode`.

Per-example compute accounting needs the cost of one block or one step *per example*. We run the
call once on a batch of one example under FlopCounterMode and cache the count by the input shapes:
matmul, conv and RNN FLOPs are exactly linear in the batch size, so a batch of b costs b times it.
Nothing is counted during ordinary forward passes, which is why accounting is nearly free.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.utils.flop_counter import FlopCounterMode


def count_flops(fn: Callable, *args, backward: bool = False, **kwargs) -> int:
    """FLOPs of `fn(*args, **kwargs)` (plus its backward pass when `backward`), as FlopCounterMode counts."""
    with FlopCounterMode(display=False) as counter:
        if backward:
            out = fn(*args, **kwargs)
            loss = out if isinstance(out, torch.Tensor) else out[0]
            loss.float().sum().backward()
        else:
            with torch.no_grad():
                fn(*args, **kwargs)
    return int(counter.get_total_flops())


def _signature(args) -> tuple:
    """Shapes and dtypes of tensor arguments (None and plain values by value)."""
    sig = []
    for a in args:
        if isinstance(a, torch.Tensor):
            sig.append((tuple(a.shape), a.dtype))
        elif isinstance(a, (tuple, list)):
            sig.append(_signature(a))
        else:
            sig.append(a if a is None or isinstance(a, (int, float, str, bool)) else type(a).__name__)
    return tuple(sig)


def _first_example(a):
    """Slice a batched argument down to its first example, keeping the batch dimension."""
    if isinstance(a, torch.Tensor):
        return a[:1]
    if isinstance(a, (tuple, list)):
        return type(a)(_first_example(x) for x in a)
    return a


class FlopMeter:
    """Cached per-example FLOPs of calls to modules: measured once per (module, input shapes).

    >>> meter = FlopMeter()
    >>> meter.per_example(block, x)      # FLOPs one example of `x` costs in `block(x)`
    """

    def __init__(self):
        self._cache: dict[tuple, int] = {}

    def per_example(self, module: Callable, *args) -> int:
        """FLOPs of `module(*args)` for one example; `args` are batched (batch dimension first)."""
        one = tuple(_first_example(a) for a in args)
        key = (id(module), _signature(one))
        if key not in self._cache:
            self._cache[key] = count_flops(module, *one)
        return self._cache[key]

    def clear(self) -> None:
        self._cache.clear()


def training_step_flops(model: torch.nn.Module, loss_fn: Callable, x: torch.Tensor, y: torch.Tensor) -> int:
    """FLOPs of one forward + backward pass of `loss_fn(model, x, y)` on this batch (gradients discarded)."""
    saved = [p.grad for p in model.parameters()]
    flops = count_flops(lambda: loss_fn(model, x, y), backward=True)
    for p, g in zip(model.parameters(), saved, strict=True):
        p.grad = g
    return flops
