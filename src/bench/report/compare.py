"""Paired comparison of one method against others: `python -m bench compare METHOD [--against A,B]`.

For each task, other method and anchor count, the cells of the two methods are paired on (source,
target, seed) over the cross pairs where both ran; the difference d = score(METHOD) − score(other) of
the task's main score is summarised by its mean, a 95 % t-interval, wins / ties / losses, and the
two-sided Wilcoxon signed-rank test. An anchor-free method's single score (anchor count 0) is paired at
every anchor count. Pairs that share an encoder are not independent, so the p-value is indicative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from tabulate import tabulate

from bench.errors import BenchError, UnknownName
from bench.report.leaderboard import anchor_free, cross_ok, task_meta
from bench.report.table import by_setting, load_results

KEYS = ["source", "target", "seed"]
ALPHA = 0.05


def load(results: Path) -> pd.DataFrame:
    """The records under `results/records`, or else the committed table `results/results.csv`."""
    df = load_results(results)
    if df.empty:
        table = Path(results) / "results.csv"
        raise BenchError(f"no records under {results / 'records'} and no {table}; run `python -m bench run` first")
    return df


def paired(a: pd.DataFrame, b: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Rows of `a` and `b` at the same (anchors, source, target, seed), with `metric` of each."""
    counts = sorted((set(a["anchors"]) | set(b["anchors"])) - {0})
    if (a["anchors"] == 0).all():
        a = pd.concat([a.assign(anchors=k) for k in counts or [0]])
    if (b["anchors"] == 0).all():
        b = pd.concat([b.assign(anchors=k) for k in counts or [0]])
    keys = ["anchors", *KEYS]
    return a[[*keys, metric]].merge(b[[*keys, metric]], on=keys, suffixes=("_a", "_b"))


def summary(d: np.ndarray) -> dict[str, object]:
    """Mean of the paired differences with its 95 % t-interval, wins / ties / losses and the Wilcoxon p-value."""
    n = len(d)
    mean = float(d.mean())
    half = float(stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    nonzero = d[d != 0]
    p = float(stats.wilcoxon(nonzero).pvalue) if len(nonzero) >= 6 else float("nan")
    significant = np.isfinite(p) and p < ALPHA
    verdict = ("better" if mean > 0 else "worse") if significant else "no significant difference"
    return {
        "paired_cells": n, "mean_diff": mean, "ci_low": mean - half, "ci_high": mean + half,
        "wins": int((d > 0).sum()), "ties": int((d == 0).sum()), "losses": int((d < 0).sum()),
        "wilcoxon_p": p, "verdict": verdict,
    }  # fmt: skip


def comparisons(df: pd.DataFrame, method: str, against: list[str] | None = None) -> pd.DataFrame:
    """One row per task, other method and anchor count: the paired differences of the task's main score (a
    method that uses unpaired samples is one method per setting: `by_setting`)."""
    df = by_setting(df)
    methods = sorted(df["method"].unique())
    named = {name: settings(name, methods) for name in [method, *(against or [])]}
    if len(named[method]) > 1:
        listing = ", ".join(f"'{m}'" for m in named[method])
        raise BenchError(f"{method!r} ran in several unpaired settings; compare one of {listing}")
    method = named[method][0]
    others = [m for name in against or [] for m in named[name]] or [m for m in methods if m != method]
    rows = []
    for task, tdf in df.groupby("task", sort=True):
        main = task_meta(task, df)["main"]
        ok = cross_ok(tdf).dropna(subset=[main])
        mine = ok[ok["method"] == method]
        for other in others:
            pairs = paired(mine, ok[ok["method"] == other], main)
            for k, g in pairs.groupby("anchors", sort=True):
                d = (g[f"{main}_a"] - g[f"{main}_b"]).to_numpy()
                rows.append({"task": task, "metric": main, "method": method, "against": other, "anchors": k,
                             **summary(d)})  # fmt: skip
    if not rows:
        raise BenchError(f"no paired cross-pair cells of {method} with {', '.join(others)}")
    return pd.DataFrame(rows)


def settings(name: str, methods: list[str]) -> list[str]:
    """The method names with records that `name` stands for: itself, or each of its unpaired settings
    (`lfm` → `lfm (disjoint)`, `lfm (shared)`)."""
    if name in methods:
        return [name]
    if found := [m for m in methods if m.startswith(f"{name} (")]:
        return found
    raise UnknownName("method with records", name, methods)


def compare(df: pd.DataFrame, method: str, against: list[str] | None = None, fmt: str = "markdown") -> str:
    """The comparison as markdown tables (one per task), or as one CSV or JSON table."""
    table = comparisons(df, method, against)
    if fmt == "csv":
        return table.to_csv(index=False, float_format="%.6g").rstrip()
    if fmt == "json":
        return table.to_json(orient="records", indent=1)
    free = anchor_free(df)
    out = []
    headers = ["against", "anchors", "paired cells", "mean diff", "95% CI", "wins/ties/losses", "Wilcoxon p", ""]
    for task, t in table.groupby("task", sort=True):
        rows = [
            [r.against + (" (no anchors)" if r.against in free else ""), r.anchors, r.paired_cells,
             f"{r.mean_diff:+.4f}", f"±{(r.ci_high - r.ci_low) / 2:.4f}", f"{r.wins}/{r.ties}/{r.losses}",
             f"{r.wilcoxon_p:.2g}", r.verdict]
            for r in t.itertuples()
        ]  # fmt: skip
        title = f"## {task}: {method}{' (no anchors)' if method in free else ''} − other, `{t['metric'].iloc[0]}`"
        out += [title, "", tabulate(rows, headers, tablefmt="github", disable_numparse=True), ""]
    return "\n".join(out).rstrip()
