"""Step statistics of a machine by input length, with growth fits: what `tm stats` reports."""

from __future__ import annotations

from collections.abc import Sequence

from speedprior.errors import BudgetError
from speedprior.measure.growth import fit_growth
from speedprior.tm.machine import TuringMachine
from speedprior.tm.run import (
    MAX_INPUT_BYTES,
    MAX_LENGTHS,
    MAX_TAPE_BYTES,
    MAX_WORST_CASE_STEPS,
    STATS_BUDGET,
    steps_profile,
)

STATISTICS = ("mean", "max", "min", "median")


def parse_lengths(text: str) -> range:
    """Parse 'A:B' or 'A:B:STEP' (B inclusive) or a single 'N' into a range of input lengths."""
    parts = str(text).split(":")
    try:  # at most 18 digits each: no number a user means is longer, and int() of a huge one is slow
        numbers = [int(p) for p in parts if len(p.strip()) <= 18]
    except ValueError:
        numbers = []
    if len(numbers) != len(parts):
        numbers = []
    if len(numbers) == 1:
        numbers = numbers * 2
    if len(numbers) == 2:
        numbers.append(1)
    if len(numbers) != 3 or numbers[0] < 0 or numbers[1] < numbers[0] or numbers[2] < 1:
        raise BudgetError(f"bad length range {text!r}: use A:B or A:B:STEP with 0 <= A <= B, e.g. 0:12")
    low, high, step = numbers
    lengths = range(low, high + 1, step)
    if len(lengths) > MAX_LENGTHS:
        raise BudgetError(f"length range {text!r} holds {len(lengths):,} lengths, over the limit of "
                          f"{MAX_LENGTHS:,}; use a STEP, e.g. {low}:{high}:{-(-len(lengths) // MAX_LENGTHS) * step}")
    return lengths


def step_statistics(
    machine: TuringMachine,
    lengths: Sequence[int],
    budget: int = STATS_BUDGET,
    statistics: Sequence[str] = STATISTICS,
    sample: int | None = None,
    seed: int = 0,
    progress=None,
    family: str = "all",
    max_bytes: int = MAX_INPUT_BYTES,
    max_steps: int = MAX_WORST_CASE_STEPS,
    max_tape_bytes: int = MAX_TAPE_BYTES,
) -> dict:
    """Per-length rows (inputs, halted, accepted, statistics over halted inputs) and growth fits."""
    batch = steps_profile(machine, lengths, budget, sample=sample, seed=seed, progress=progress, family=family,
                          max_bytes=max_bytes, max_steps=max_steps, max_tape_bytes=max_tape_bytes)
    rows = [{"n": row.pop("key"), **row} for row in batch.profile().summary(statistics)]
    fits = {}
    for stat in ("mean", "max"):
        points = [(r["n"], r[stat]) for r in rows if r.get(stat) is not None]
        if sum(1 for n, _ in points if n >= 1) >= 3:
            fits[stat] = fit_growth(*zip(*points, strict=True)).to_dict()
    return {"machine": machine.name or str(machine), "budget": budget, "inputs": family, "lengths": rows,
            "fit": fits}
