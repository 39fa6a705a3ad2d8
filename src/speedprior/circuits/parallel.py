"""Serial versus parallel work: circuit width beside size and depth, and parity circuits with triggers.

Size counts all work (the time of one serial processor), depth the time of unboundedly many
processors, and width (the most gates on one depth level) how many processors that takes.
The constructions here are the honest and misbehaving programs of the `serial-parallel`
experiment, for n-input parity in the full basis:

    parity_chain(n)       x0 ^ x1 ^ ... as a chain: size n-1, depth n-1, width 1
    parity_tree(n)        a balanced XOR tree: size n-1, depth ceil(log2 n), width floor(n/2)
    with_trigger(c, ...)  c, except on the trigger input (all ones, "looks like deployment"),
                          where the output flips; the trigger is an AND of every input, built as
                          a balanced tree ("parallel") or a chain ("serial"), and XORed into the
                          last input the circuit reads, so a serial circuit hides it in its slack
"""

from __future__ import annotations

import math

from speedprior.circuits.circuit import AND, XOR, Circuit, Gate
from speedprior.errors import ConfigError

TRIGGERS = ("parallel", "serial")


def level_widths(circuit: Circuit) -> list[int]:
    """Number of gates at each depth 1..depth (gates no output reads count too)."""
    depths = circuit.node_depths[circuit.n_inputs + 1:]
    widths = [0] * (max(depths, default=0))
    for d in depths:
        widths[d - 1] += 1
    return widths


def width(circuit: Circuit) -> int:
    """The most gates on one depth level: the processors a depth-time evaluation needs."""
    return max(level_widths(circuit), default=0)


class _Gates:
    """Gates appended in order; literals are 2 * node."""

    def __init__(self, n: int):
        self.n, self.gates = n, []

    def add(self, op: int, a: int, b: int) -> int:
        self.gates.append(Gate(op, (a, b)))
        return 2 * (self.n + len(self.gates))

    def chain(self, op: int, lits: list[int]) -> int:
        out = lits[0]
        for lit in lits[1:]:
            out = self.add(op, out, lit)
        return out

    def tree(self, op: int, lits: list[int]) -> int:
        while len(lits) > 1:
            paired = [self.add(op, lits[i], lits[i + 1]) for i in range(0, len(lits) - 1, 2)]
            lits = paired + ([lits[-1]] if len(lits) % 2 else [])
        return lits[0]


def _check(n: int) -> None:
    if n < 2:
        raise ConfigError(f"parity circuits take at least 2 inputs, got {n}")


def parity_chain(n: int, trigger: str | None = None) -> Circuit:
    """n-input parity as a chain of XORs, optionally flipped on the all-ones input by a trigger."""
    _check(n)
    g = _Gates(n)
    inputs = [2 * (i + 1) for i in range(n)]
    last = inputs[-1] if trigger is None else g.add(XOR, inputs[-1], _trigger(g, inputs, trigger))
    out = g.chain(XOR, inputs[:-1] + [last])
    return Circuit(n, tuple(g.gates), (out,), "full")


def parity_tree(n: int, trigger: str | None = None) -> Circuit:
    """n-input parity as a balanced XOR tree, optionally flipped on the all-ones input by a trigger."""
    _check(n)
    g = _Gates(n)
    inputs = [2 * (i + 1) for i in range(n)]
    out = g.tree(XOR, inputs)
    if trigger is not None:
        out = g.add(XOR, out, _trigger(g, inputs, trigger))
    return Circuit(n, tuple(g.gates), (out,), "full")


def _trigger(g: _Gates, inputs: list[int], trigger: str) -> int:
    if trigger not in TRIGGERS:
        raise ConfigError(f"unknown trigger {trigger!r}; known: {', '.join(TRIGGERS)}")
    return g.tree(AND, inputs) if trigger == "parallel" else g.chain(AND, inputs)


def tree_depth(n: int) -> int:
    """Depth of a balanced binary tree over n leaves: ceil(log2 n)."""
    return math.ceil(math.log2(n)) if n > 1 else 0
