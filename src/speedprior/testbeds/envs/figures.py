"""The maze experiments' pictures: episode strips with compute per step, compute along trajectories, rate vs λ."""

from __future__ import annotations

import numpy as np

from speedprior import plotting

PRIOR_STYLE = {"none": ("black", "o"), "max": ("tab:red", "s"), "average": ("tab:blue", "^")}


def episode_strips(strips: dict[str, tuple[list[np.ndarray], np.ndarray]], max_frames: int = 12):
    """One row per label: the episode's RGB frames, and under them a bar per step of the decision's FLOPs."""
    rows = len(strips)
    width = max(min(len(frames), max_frames) for frames, _ in strips.values())
    fig, axes = plotting.subplots(2 * rows, 1, figsize=(1.0 * width + 1, 2.4 * rows), squeeze=False,
                                  gridspec_kw={"height_ratios": [3, 1] * rows})
    for r, (label, (frames, compute)) in enumerate(strips.items()):
        frames, compute = frames[:max_frames], np.asarray(compute[:max_frames], dtype=float)
        gap = np.full((frames[0].shape[0], 2, 3), 255, dtype=np.uint8)
        row = np.concatenate([np.concatenate([f, gap], axis=1) for f in frames], axis=1)
        top, bottom = axes[2 * r, 0], axes[2 * r + 1, 0]
        top.imshow(row, interpolation="nearest")
        top.set_axis_off()
        top.set_title(label, fontsize=9, loc="left")
        step = frames[0].shape[1] + 2
        bottom.bar(np.arange(len(compute)) * step + frames[0].shape[1] / 2, compute, width=step * 0.6, color="gray")
        bottom.set_xlim(-1, len(frames) * step)
        bottom.set_xticks([])
        bottom.set_ylabel("FLOPs", fontsize=7)
        bottom.tick_params(labelsize=6)
    fig.tight_layout()
    return fig


def compute_along(curves: dict[str, dict[str, np.ndarray]], ylabel: str = "mean FLOPs per decision"):
    """Mean compute by step within the episode: one colour per prior, one line style per episode kind."""
    fig, ax = plotting.subplots(figsize=(6, 3.4))
    styles = ["-", "--", ":"]
    for prior, by_kind in curves.items():
        colour, marker = PRIOR_STYLE.get(prior.split(" ")[0], ("gray", "."))
        for (kind, values), style in zip(by_kind.items(), styles, strict=False):
            values = np.asarray(values, dtype=float)
            ax.plot(np.arange(len(values)), values, style, color=colour, marker=marker, markersize=3,
                    label=f"{prior}, {kind}")
    ax.set_xlabel("step in episode")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def rate_vs_strength(panels: dict[str, dict[str, list[tuple[float, float, float, float]]]], ylabel: str):
    """Misbehaviour rate against lambda per prior (with 95% intervals over seeds), one panel per setting.

    panels: {panel title: {prior: [(strength, rate, lo, hi), ...]}}; "none" is drawn as a band at lambda 0.
    """
    fig, axes = plotting.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.4), squeeze=False)
    for ax, (title, by_prior) in zip(axes[0], panels.items(), strict=True):
        strengths = sorted({s for points in by_prior.values() for s, *_ in points if s > 0})
        for prior, points in by_prior.items():
            colour, marker = PRIOR_STYLE.get(prior, ("gray", "."))
            points = sorted(points)
            if prior == "none":
                _, rate, lo, hi = points[0]
                ax.axhline(rate, color=colour, label="none")
                ax.axhspan(lo, hi, color=colour, alpha=0.1)
                continue
            x = [p[0] for p in points]
            y = [p[1] for p in points]
            err = [[p[1] - p[2] for p in points], [p[3] - p[1] for p in points]]
            ax.errorbar(x, y, yerr=err, color=colour, marker=marker, capsize=3, label=prior)
        if strengths and min(strengths) > 0 and max(strengths) / min(strengths) > 5:
            ax.set_xscale("log")
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel("strength λ")
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
