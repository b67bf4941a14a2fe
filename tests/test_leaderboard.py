"""Leaderboard aggregation on hand-made records: anchor-free methods count at every budget, and the
anchors each method needs to reach 90 % of no-stitch accuracy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.report.leaderboard import anchors_needed, main_counts, overall, sweep_section


def records() -> pd.DataFrame:
    rows = []
    # method → {anchor count: stitched_ratio}; counts 10 and 300 on seeds 0–1, count 5 on seed 0 only
    curves = {
        "slow": {5: 0.2, 10: 0.5, 300: 0.95},
        "quick": {5: 0.91, 10: 0.93, 300: 0.99},
        "never": {5: 0.1, 10: 0.2, 300: 0.8},
        "free": {0: 0.92},
    }
    for method, curve in curves.items():
        for k, ratio in curve.items():
            for seed in (0,) if k in (0, 5) else (0, 1):
                for source, target in (("a", "b"), ("b", "a"), ("a", "a")):
                    own = 1.0 if source == target else ratio
                    rows.append(
                        dict(task="digits", method=method, family="translator", anchors=k, seed=seed,
                             source=source, target=target, status="ok",
                             pair_kind="self" if source == target else "cross-seed", stitched_ratio=own)
                    )  # fmt: skip
    return pd.DataFrame(rows)


def test_main_counts_are_those_on_the_most_seeds() -> None:
    assert main_counts(records()) == [10, 300]


def test_anchors_needed_by_hand() -> None:
    needed = anchors_needed(records())["digits"]
    assert needed.to_dict() == {"free": 0, "never": np.inf, "quick": 5, "slow": 300}


def test_anchor_free_method_ranks_at_every_budget() -> None:
    table = overall(records())
    assert table.loc["free", "k=10"] == table.loc["free", "k=300"] == 0.92
    # at k=10: quick 0.93 > free 0.92 > slow 0.5 > never 0.2; at k=300: quick, slow, free, never
    assert table.loc["free", "mean_rank"] == 2.5 and table.loc["quick", "mean_rank"] == 1
    assert table.loc["never", "anchors to 90%"] == "never" and table.loc["free", "anchors to 90%"] == "0"


def test_sweep_section_lists_every_count() -> None:
    text = "\n".join(sweep_section(records()[lambda d: d.pair_kind != "self"], "stitched_ratio"))
    assert "k=5" in text and "k=1000" not in text and "| free     | 0.920 | 0.920" in text


def test_compare_pairs_cells_and_tests_the_differences() -> None:
    from scipy.stats import wilcoxon

    from bench.report.compare import compare

    rng = np.random.default_rng(0)
    base = rng.uniform(0.7, 0.9, size=12)
    diff = np.array([0.03, 0.01, 0.02, -0.005, 0.04, 0.015, 0.02, 0.01, 0.03, 0.025, -0.01, 0.02])
    rows = []
    for i in range(12):
        cell = dict(task="digits", anchors=10, seed=i // 2, source="ab"[i % 2], target="ba"[i % 2], status="ok",
                    pair_kind="cross-seed", family="translator")  # fmt: skip
        rows += [cell | {"method": "new", "stitched_ratio": base[i] + diff[i]}]
        rows += [cell | {"method": "old", "stitched_ratio": base[i]}]
    rows.append(rows[0] | {"method": "free", "anchors": 0, "stitched_ratio": 0.5})
    text = compare(pd.DataFrame(rows), "new")
    line = next(x for x in text.splitlines() if x.startswith("| old"))
    cols = [c.strip() for c in line.strip("|").split("|")]
    half_width = diff.std(ddof=1) * 2.2010 / 12**0.5  # t(0.975, 11) = 2.2010
    assert cols[1:5] == ["10", "12", f"{diff.mean():+.4f}", f"±{half_width:.4f}"]
    assert cols[5] == "10/0/2" and cols[6] == f"{wilcoxon(diff).pvalue:.2g}" and cols[7] == "better"
    free = next(x for x in text.splitlines() if x.startswith("| free (no anchors)"))
    assert "| 10 " in free and "| 1 " in free  # the anchor-free cell is paired at anchor count 10
