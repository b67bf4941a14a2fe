"""Figures: source × target heatmaps per method, and score-vs-anchor-count curves per task."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from bench.atomic import write_with

PNG_METADATA = {"Software": None}


def save(fig: plt.Figure, path: Path) -> None:
    write_with(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110, metadata=PNG_METADATA), ".png")
    plt.close(fig)


def heatmap(df: pd.DataFrame, metric: str, encoders: list[str], title: str, path: Path) -> None:
    """Mean of `metric` over seeds for every (source, target); blank where the cell is not applicable."""
    grid = df.pivot_table(index="source", columns="target", values=metric, aggfunc="mean")
    grid = grid.reindex(index=encoders, columns=encoders)
    size = 1.2 + 0.45 * len(encoders)
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    image = ax.imshow(
        grid.to_numpy(dtype=float),
        vmin=0,
        vmax=max(1.0, np.nanmax(grid.to_numpy(dtype=float), initial=0)),
        cmap="viridis",
    )
    ax.set_xticks(range(len(encoders)), encoders, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(encoders)), encoders, fontsize=8)
    ax.set_xlabel("target (head)")
    ax.set_ylabel("source (mapped)")
    for (i, j), v in np.ndenumerate(grid.to_numpy(dtype=float)):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=6, color="white" if v < 0.6 else "black")
    ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    save(fig, path)


def anchor_curves(summary: pd.DataFrame, metric: str, title: str, path: Path, thresholds: tuple[int, ...] = ()) -> None:
    """`summary` holds columns method, anchors, mean, std (over pairs and seeds); one line per method, a
    dashed horizontal line for a method that uses no anchors (its score at anchor count 0), and a dotted
    vertical line at each interpolation threshold (anchors = an encoder's dimension, where an unregularised
    least-squares map goes from under- to over-determined and its error peaks)."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, d in enumerate(sorted(thresholds)):
        label = "anchors = encoder dim (interpolation threshold)" if i == 0 else None
        ax.axvline(d, linestyle=":", color="grey", linewidth=1, label=label)
    colours = plt.colormaps["tab20"](np.linspace(0, 1, max(summary["method"].nunique(), 1)))
    for colour, (method, g) in zip(colours, summary.groupby("method", sort=True), strict=False):
        g = g.sort_values("anchors")
        if (g["anchors"] == 0).all():
            ax.axhline(g["mean"].iloc[0], linestyle="--", color=colour, label=f"{method} (no anchors)")
        else:
            g = g[g["anchors"] > 0]
            ax.errorbar(g["anchors"], g["mean"], yerr=g["std"], marker="o", ms=3, capsize=2, color=colour, label=method)
    ax.set_xscale("log")
    ax.set_xlabel("anchors (log scale)")
    ax.set_ylabel(metric)
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=6, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    save(fig, path)
