"""The report's parts on hand-made inputs: best values marked by each metric's direction, unique heading ids,
section tags and filter values for the HTML page, no empty figure, anchor curves split into small multiples."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bench.report import figures
from bench.report.document import Heading, Table, Text, filter_values, section_tags, unique_ids
from bench.report.leaderboard import mark_best


def test_best_values_are_marked_by_direction_within_each_anchor_count() -> None:
    headers = ["method", "anchors", "cells", "stitched_ratio", "mse"]
    rows = [
        ["a", 10, 4, "0.800 [0.7, 0.9]", "0.20 [0.1, 0.3]"],
        ["b", 10, 4, "0.900 [0.8, 1.0]", "0.30 [0.2, 0.4]"],
        ["a", 300, 4, "0.950 [0.9, 1.0]", "n/a"],
        ["b", 300, 4, "0.950 [0.9, 1.0]", "0.10 [0.0, 0.2]"],
    ]
    out = mark_best(headers, rows, {"stitched_ratio": "higher", "mse": "lower"}, by="anchors")
    assert [r[3].startswith("**") for r in out] == [False, True, True, True]  # a tie at 300: both marked
    assert [r[4].startswith("**") for r in out] == [True, False, False, False]  # one number at 300: unmarked
    assert out[1][3] == "**0.900 [0.8, 1.0]**" and out[0][2] == "4"  # unnamed columns as they were


def test_repeated_headings_get_ids_of_their_own_section() -> None:
    blocks = [
        Heading(2, "Task `a` (images)"), Heading(3, "Figures"),
        Heading(2, "Task `b` (text)"), Heading(3, "Figures"), Heading(3, "Figures"),
    ]  # fmt: skip
    assert unique_ids(blocks) == [
        "task-a-images", "figures", "task-b-text", "task-b-text-figures", "task-b-text-figures-2",
    ]  # fmt: skip


def test_section_tags_and_filter_values() -> None:
    blocks = [
        Heading(2, "Overall"),
        Table(["method", "rank k=10", "rank k=300"], [["x", "1", "2"]]),
        Heading(2, "Task a", {"task": "a", "modality": "images"}),
        Heading(3, "Sweep"),
        Table(["method", "anchors", "score"], [["x", "25", "0.5"], ["x", "0", "0.1"]]),
        Heading(2, "Task b", {"task": "b", "modality": "text"}),
        Text("b's text"),
    ]
    tags = section_tags(blocks)
    assert tags[1] == {} and tags[3] == tags[4] == {"task": "a", "modality": "images"}
    assert tags[6] == {"task": "b", "modality": "text"}
    assert filter_values(blocks, tags) == {"modality": ["images", "text"], "task": ["a", "b"],
                                           "anchors": ["0", "10", "25", "300"]}  # fmt: skip


def test_an_empty_heatmap_is_an_error(tmp_path: Path) -> None:
    df = pd.DataFrame({"source": ["a"], "target": ["b"], "stitched_acc": [float("nan")]})
    with pytest.raises(ValueError, match="no value of 'stitched_acc'"):
        figures.heatmap(df, "stitched_acc", ["a", "b"], "t", tmp_path / "h.png")
    with pytest.raises(ValueError, match="no value of 'mrr'"):
        figures.heatmap(df, "mrr", ["a", "b"], "t", tmp_path / "h.png")  # a metric the cells do not have
    assert not (tmp_path / "h.png").exists()


def test_anchor_curves_are_small_multiples_of_at_most_eight_lines() -> None:
    methods = [f"t{i:02d}" for i in range(11)] + [f"p{i}" for i in range(3)]
    summary = pd.DataFrame({"method": methods, "family": ["translator"] * 11 + ["projector"] * 3})
    groups = figures.panels(summary)
    assert [(name, len(m)) for name, m in groups] == [
        ("projectors", 3), ("translators (1/2)", 6), ("translators (2/2)", 5),
    ]  # fmt: skip
    assert sorted(m for _, ms in groups for m in ms) == sorted(methods)
