"""The report's parts on hand-made inputs: best values marked by each metric's direction, unique heading ids,
section tags and filter values for the HTML page, no empty figure, anchor curves split into small multiples."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from bench.report import figures
from bench.report.document import Heading, Table, Text, filter_values, section_tags, unique_ids
from bench.report.leaderboard import mark_best, problems, roster_table


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


def test_failures_are_listed_once_per_reason_and_unbuilt_encoders_stay_in_the_roster(tmp_path: Path) -> None:
    below = "encoder 'cnn-s1' reaches 0.5540 test accuracy, not above its floor 0.5560 (probe): fix its training"
    tdf = pd.DataFrame(
        [
            dict(source="cnn-s1", target="cnn-s0", method="affine", anchors=10, seed=0, status="failed", error=below),
            dict(source="cnn-s0", target="cnn-s1", method="linear", anchors=10, seed=0, status="failed", error=below),
            dict(source="cnn-s0", target="cnn-s2", method="lfm", anchors=10, seed=0, status="failed", error="nan"),
            dict(source="cnn-s0", target="cnn-s2", method="asif", anchors=0, seed=0, status="skipped", error="k=0"),
        ]
    )
    heading, text, *skipped = problems(tdf)
    assert heading.text == "Failed cells (3)"
    assert text.markdown.splitlines() == [
        f"- 2 cells (e.g. cnn-s1→cnn-s0 affine k=10 seed=0): {below}",
        "- 1 cell (e.g. cnn-s0→cnn-s2 lfm k=10 seed=0): nan",
    ]
    assert skipped[1].markdown == "- 1 cell: k=0"
    assert problems(tdf, most=1)[1].markdown.splitlines()[1] == "- 1 cell more, for 1 other reason"
    (tmp_path / "encoders").mkdir()
    report = dict(encoder="cnn-s0", architecture="cnn", seed=0, dim=8, parameters=10, accuracy=0.6, train_s=1.0,
                  floor_accuracy=0.5, floor="logistic regression on pixels")  # fmt: skip
    frozen = dict(encoder="lite", architecture="effnet", seed=None, dim=4, parameters=None, pretrained="frozen",
                  train_s=0.0)  # fmt: skip
    (tmp_path / "encoders" / "t.json").write_text(json.dumps({"cnn-s0": report, "lite": frozen}))
    table = roster_table(tmp_path, "t", ["cnn-s0", "cnn-s1", "lite"])
    assert [row[0] for row in table.rows] == ["cnn-s0", "cnn-s1", "lite"]
    assert table.rows[1][5] == "not built (see the failed cells)"
    assert table.rows[0][7] == "0.5000" and "Floors: 0.5000: logistic regression on pixels." in table.caption
    assert table.rows[2][2] == "–" and table.rows[2][5] == "frozen"  # no seed, no own score


def test_own_decoder_and_fitted_head_side_by_side_with_their_paired_difference() -> None:
    from bench.report.leaderboard import decoder_vs_head

    head = [0.90, 0.80, 0.85, 0.95, 0.88, 0.92]
    methods = (  # name, decoder − head per cell, cosine to the target, anchors, family
        ("agrees", (0.01, -0.01) * 3, 0.97, 300, "translator"),
        ("drops", (-0.30, -0.28) * 3, 0.71, 300, "translator"),
        ("chance", (0.01, -0.01) * 3, 0.50, 0, "translator"),  # anchor-free, agreeing at chance: no reference
        ("nudges", (-0.004, -0.002) * 3, 0.96, 300, "translator"),
        ("projects", (-0.05, -0.03) * 3, 0.40, 300, "projector"),
    )
    rows = [
        dict(method=m, pair_kind="cross-seed", stitched_ratio=h, decoder_ratio=h + shift, cosine=c, anchors=k, family=f)
        for m, shifts, c, k, f in methods
        for h, shift in zip(head, shifts, strict=True)
    ] + [dict(method="no-decoder", pair_kind="cross-seed", stitched_ratio=0.9, decoder_ratio=float("nan"), cosine=1)]
    blocks = decoder_vs_head(pd.DataFrame(rows), 300)
    table, why = blocks[-3], blocks[-1]
    by_method = {r[0]: r for r in table.rows}
    assert sorted(by_method) == ["agrees", "chance", "drops", "nudges", "projects"]  # no own-decoder cells: left out
    agrees, drops = by_method["agrees"], by_method["drops"]
    mean = f"{sum(head) / 6:.3f} ["
    assert agrees[1] == "6" and agrees[2].startswith(mean) and agrees[3].startswith(mean)
    assert agrees[4].startswith("0.000 [") and agrees[5:] == ["0.970", "agree"]
    assert drops[4] == "-0.290 [-0.297, -0.283]" and drops[5:] == ["0.710", "own decoder lower"]  # bootstrap of ±0.01
    assert by_method["projects"][5] == "n/a"  # a projector's samples are not in the target's space
    assert why.markdown.splitlines() == [
        "- `drops`: own decoder lower by 0.290; its mapped samples have mean cosine 0.710 to the target's own latents, "
        "against 0.970–0.970 for the anchored translators that agree: where a map lands off the target's "
        "distribution, the two classifiers extrapolate differently.",
        "- `projects`: own decoder lower by 0.040; a projector: the target's own decoder reads its relative "
        "projection, the fitted head its common space.",
        "- `nudges`: differ by less than 0.01 (consistently over the pairs, so beyond the interval): the two "
        "classifiers' boundaries, too close to matter.",
    ]
    agreeing = [r for r in rows if r["method"] in ("agrees", "chance")]
    assert isinstance(decoder_vs_head(pd.DataFrame(agreeing), 300)[-1], Table)  # no disagreement, no line
    close = pd.DataFrame(rows).assign(cosine=0.99)  # a disagreement whose map is as close as the others'
    assert "the two classifiers, not the map, differ here." in decoder_vs_head(close, 300)[-1].markdown


def test_records_without_the_task_s_main_score_still_give_the_similarity_section(tmp_path: Path) -> None:
    """A table written before a metric was renamed (or by a plug-in of another version) lacks the main score:
    the similarities are shown, their correlation with the absent score is not."""
    from bench.report.leaderboard import similarity_section

    pairs = [("a", "b"), ("b", "a"), ("a", "c"), ("c", "a"), ("a", "a")]
    rows = [
        dict(source=s, target=t, method="m", anchors=10, status="ok", cka=0.5 + i / 10, pair_kind="cross-seed")
        for i, (s, t) in enumerate(pairs)
    ]
    blocks = similarity_section(pd.DataFrame(rows), "src2tgt_r@1", 10, ["a", "b", "c"], tmp_path)
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1 and tables[0].headers == ["pair kind", "pairs", "cka"]
    assert (tmp_path / "similarity-cka.png").is_file()
