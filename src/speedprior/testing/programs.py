"""`check_program`: the contract every program kind passes, in the manner of Gymnasium's check_env.

Raises AssertionError naming the first property the program violates:

- it satisfies the `speedprior.programs.Program` protocol; `name` is a non-empty str;
- `description_bits` is a finite float >= 0;
- `evaluate(inputs)` returns an `Outcome` whose outputs (int8, values 1, 0 or -1), costs
  (float64) and halted flags (bool) have one row per input;
- costs are finite and >= 0 wherever the run halted;
- evaluation is deterministic (same inputs, same outcome), row i depends on input i only
  (evaluating inputs one at a time gives the same rows), and an empty input list works.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from speedprior.programs import Outcome, Program


def _outcome(program, inputs: Sequence[str], label: str) -> Outcome:
    outcome = program.evaluate(list(inputs))
    assert isinstance(outcome, Outcome), f"{label}: evaluate must return an Outcome, got {type(outcome).__name__}"
    n = len(inputs)
    for field, dtype in (("outputs", np.int8), ("costs", np.float64), ("halted", np.bool_)):
        array = getattr(outcome, field)
        assert isinstance(array, np.ndarray), f"{label}: Outcome.{field} must be a NumPy array"
        assert array.shape == (n,), f"{label}: Outcome.{field} has shape {array.shape} for {n} inputs"
        assert array.dtype == dtype, f"{label}: Outcome.{field} has dtype {array.dtype}, expected {np.dtype(dtype)}"
    assert np.isin(outcome.outputs, (1, 0, -1)).all(), f"{label}: outputs must be 1 (accept), 0 (reject) or -1"
    halted = outcome.halted
    costs = outcome.costs[halted]
    assert np.isfinite(costs).all() and (costs >= 0).all(), f"{label}: costs must be finite and >= 0 where halted"
    return outcome


def _equal(a: Outcome, b: Outcome) -> bool:
    return (np.array_equal(a.outputs, b.outputs) and np.array_equal(a.halted, b.halted)
            and np.array_equal(a.costs, b.costs, equal_nan=True))


def check_program(program: Program, inputs: Sequence[str]) -> None:
    """Assert that `program` keeps the program contract on `inputs` (a few inputs it accepts)."""
    label = f"program {getattr(program, 'name', program)!r}"
    assert isinstance(program, Program), f"{label} does not satisfy speedprior.programs.Program"
    assert isinstance(program.name, str) and program.name, f"{label}: name must be a non-empty str"
    bits = program.description_bits
    assert isinstance(bits, float | int) and not isinstance(bits, bool), f"{label}: description_bits must be a number"
    assert math.isfinite(bits) and bits >= 0, f"{label}: description_bits must be finite and >= 0, got {bits}"
    assert program.description_bits == bits, f"{label}: description_bits is not deterministic"
    inputs = list(inputs)
    assert inputs, "check_program needs at least one input"
    first = _outcome(program, inputs, label)
    assert _equal(first, _outcome(program, inputs, label)), f"{label}: the same inputs gave a different outcome"
    for i, x in enumerate(inputs):
        alone = _outcome(program, [x], label)
        row = Outcome(first.outputs[i:i + 1], first.costs[i:i + 1], first.halted[i:i + 1])
        assert _equal(alone, row), f"{label}: input {x!r} alone gives a different row than in a batch"
    assert len(_outcome(program, [], label)) == 0, f"{label}: an empty input list must give an empty Outcome"
