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
    """Mean of `metric` over seeds for every (source, target); blank where the cell is not applicable. A grid
    with no value at all is an error (an empty figure says nothing)."""
    grid = df.pivot_table(index="source", columns="target", values=metric, aggfunc="mean") if metric in df else None
    if grid is None or not np.isfinite(grid.to_numpy(dtype=float)).any():
        raise ValueError(f"no value of {metric!r} to draw in {title!r}")
    grid = grid.reindex(index=encoders, columns=encoders)
    values = grid.to_numpy(dtype=float)
    size = 1.2 + 0.45 * len(encoders)
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    image = ax.imshow(values, vmin=0, vmax=max(1.0, np.nanmax(values)), cmap="viridis")
    ax.set_xticks(range(len(encoders)), encoders, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(encoders)), encoders, fontsize=8)
    ax.set_xlabel("target (head)")
    ax.set_ylabel("source (mapped)")
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=6, color="white" if v < 0.6 else "black")
    ax.set_title(title, fontsize=9)
    bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    bar.set_label(f"{metric} (mean over seeds)", fontsize=8)
    fig.tight_layout()
    save(fig, path)


#: lines per panel of the anchor curves (a family with more methods is split over several panels)
PANEL_LINES = 8


def panels(summary: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """(title, methods) of each panel: the methods of one family (column `family`, when given), in balanced
    chunks of at most PANEL_LINES."""
    families = summary.groupby("family")["method"] if "family" in summary else [("methods", summary["method"])]
    out = []
    for family, methods in families:
        names = sorted(set(methods))
        chunks = -(-len(names) // PANEL_LINES)
        size = -(-len(names) // chunks)
        for i in range(chunks):
            part = f" ({i + 1}/{chunks})" if chunks > 1 else ""
            out.append((f"{family}s{part}" if family != "methods" else family, names[i * size : (i + 1) * size]))
    return out


def anchor_curves(summary: pd.DataFrame, metric: str, title: str, path: Path, thresholds: tuple[int, ...] = ()) -> None:
    """`summary` holds columns method, anchors, mean, std (over pairs and seeds), and optionally family: small
    multiples, one panel per family (at most PANEL_LINES lines each, on one y scale), one line per method, a
    dashed horizontal level for a method that uses no anchors (its score at anchor count 0), and a dotted
    vertical line at each interpolation threshold (anchors = an encoder's dimension, where an unregularised
    least-squares map goes from under- to over-determined and its error peaks)."""
    groups = panels(summary)
    columns = min(len(groups), 3)
    rows = -(-len(groups) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(5.2 * columns, 3.6 * rows), sharey=True, squeeze=False)
    colours = plt.colormaps["tab10"].colors
    for ax, (name, methods) in zip(axes.flat, groups, strict=False):
        for i, d in enumerate(sorted(thresholds)):
            ax.axvline(d, linestyle=":", color="grey", linewidth=1, label="anchors = encoder dim" if i == 0 else None)
        for colour, method in zip(colours, methods, strict=False):
            g = summary[summary["method"] == method].sort_values("anchors")
            if (g["anchors"] == 0).all():
                ax.axhline(g["mean"].iloc[0], linestyle="--", color=colour, label=f"{method} (no anchors)")
            else:
                g = g[g["anchors"] > 0]
                ax.errorbar(g["anchors"], g["mean"], yerr=g["std"], marker="o", ms=3, capsize=2, color=colour,
                            label=method)  # fmt: skip
        ax.set_xscale("log")
        ax.set_xlabel("anchors (log scale)")
        ax.set_title(name, fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6, loc="lower right")
    for ax in axes[:, 0]:
        ax.set_ylabel(f"{metric} (mean ± std)")
    for ax in list(axes.flat)[len(groups) :]:
        ax.set_visible(False)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    save(fig, path)
