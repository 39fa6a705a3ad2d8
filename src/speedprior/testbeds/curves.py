"""Rates along a knob: one line per prior with 95% intervals, one panel per way of counting."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def curve_figure(rows: Sequence[dict], xlabel: str, title: str, panels: Sequence[str] = ("machines", "behaviours"),
                 log_x: bool = False):
    """Rows carry prior, x, and per panel name `rate_<panel>` and `ci_<panel>`; lines per prior."""
    from speedprior import plotting

    figure, axes = plotting.subplots(1, len(panels), figsize=(5.2 * len(panels), 3.8), squeeze=False)
    priors = list(dict.fromkeys(r["prior"] for r in rows))
    for axis, panel in zip(axes[0], panels, strict=True):
        for prior in priors:
            mine = sorted((r for r in rows if r["prior"] == prior), key=lambda r: r["x"])
            x = np.array([r["x"] for r in mine], dtype=float)
            rate = np.array([r[f"rate_{panel}"] for r in mine])
            lo = np.array([r[f"ci_{panel}"][0] for r in mine])
            hi = np.array([r[f"ci_{panel}"][1] for r in mine])
            line = axis.plot(x, rate, marker="o", label=prior)[0]
            axis.fill_between(x, lo, hi, color=line.get_color(), alpha=0.15)
        if log_x:
            axis.set_xscale("symlog", linthresh=min((r["x"] for r in rows if r["x"] > 0), default=1.0))
        axis.set_ylim(-0.02, 1.02)
        axis.set_xlabel(xlabel)
        axis.set_ylabel(f"rate counted over {panel} (95% interval)")
        axis.legend(fontsize=7)
    figure.suptitle(title)
    return figure
