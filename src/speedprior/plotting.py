"""Figures for run directories, made without touching matplotlib's global backend.

A `matplotlib.figure.Figure` built directly renders PNGs through the Agg canvas when it is
saved, so the library never calls `matplotlib.use` or imports pyplot: a user's interactive
backend stays as they chose it, and nothing plots until a run writes a figure.
"""

from __future__ import annotations

from typing import Any


def subplots(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] = (6.4, 4.8), **kwargs) -> tuple[Any, Any]:
    """A new Figure and its axes, as `pyplot.subplots` returns them, with no pyplot state."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize)
    return figure, figure.subplots(nrows, ncols, **kwargs)
