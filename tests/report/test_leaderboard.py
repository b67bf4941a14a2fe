"""Leaderboard aggregation on hand-made records: anchor-free methods count at every budget, the
anchors each method needs to reach 90 % of no-stitch accuracy, and the page counting the records it leaves out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.report.document import WIDTH, Figure, Gallery, Heading, Table, Text, to_markdown
from bench.report.leaderboard import (
    anchors_needed,
    changed_note,
    main_counts,
    overall,
    ranking_table,
    spread,
    sweep_section,
    unreadable_note,
)
from bench.report.reproduction import section, verdicts


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


def test_records_left_out_are_counted_on_the_page() -> None:
    assert changed_note(0) == [] and unreadable_note([]) == []
    assert changed_note(3)[0].markdown.startswith("**3 records were scored on encoders that have changed since")
    named = unreadable_note([f"records/digits/{i}.json" for i in range(12)])[0].markdown
    assert named.startswith("**12 record files could not be read") and named.endswith("and 2 more.")


def test_main_counts_are_those_on_the_most_seeds() -> None:
    assert main_counts(records()) == [10, 300]


def test_anchors_needed_by_hand() -> None:
    needed = anchors_needed(records())["digits"]
    assert needed.to_dict() == {"free": 0, "never": np.inf, "quick": 5, "slow": 300}


def test_ninety_percent_reached_counts_the_tasks_each_method_ran() -> None:
    digits = records()
    # on glyphs `slow` stays below 0.9 and `quick` does not run
    glyphs = digits[digits["method"] != "quick"].assign(task="glyphs")
    glyphs.loc[glyphs["method"] == "slow", "stitched_ratio"] = 0.85
    reached = overall(pd.concat([digits, glyphs]))["90% reached"].to_dict()
    assert reached == {"quick": "1 of 1", "free": "2 of 2", "slow": "1 of 2", "never": "0 of 2"}


def test_anchor_free_method_ranks_at_every_budget() -> None:
    table = overall(records())
    # every cross cell of a method has the same ratio: a degenerate interval
    assert table.loc["free", "stitched_ratio k=10"] == table.loc["free", "stitched_ratio k=300"]
    assert table.loc["free", "stitched_ratio k=300"] == "0.920 [0.920, 0.920]"
    # at k=10: quick 0.93 > free 0.92 > slow 0.5 > never 0.2; at k=300: quick, slow, free, never
    assert table.loc["free", "rank k=10"] == 2 and table.loc["free", "rank k=300"] == 3
    assert table.loc["free", "mean_rank"] == 2.5 and table.loc["quick", "mean_rank"] == 1
    assert list(table.index) == ["quick", "free", "slow", "never"]
    assert table.loc["never", "90% reached"] == "0 of 1" and table.loc["free", "90% reached"] == "1 of 1"
    shown = ranking_table(table)
    rows = {row[0]: dict(zip(shown.headers, row, strict=True)) for row in shown.rows}
    # ranks to one decimal place, the best (lowest) in bold
    assert rows["free"]["mean_rank"] == "2.5" and rows["quick"]["mean_rank"] == "**1.0**"


def test_spread_between_methods_by_hand() -> None:
    rows = spread(records()).rows
    # k=10: quick 0.93, free 0.92, slow 0.5, never 0.2 → range 0.73; k=300: 0.99, 0.95, 0.92, 0.8 → 0.19
    assert rows[0][:6] == ["digits", "10", "4", "quick 0.930", "never 0.200", "0.730"]
    assert rows[1][:6] == ["digits", "300", "4", "quick 0.990", "never 0.800", "0.190"]
    assert rows[0][6] == f"{np.std([0.93, 0.92, 0.5, 0.2], ddof=1):.3f}"
    q1, q3 = np.quantile([0.93, 0.92, 0.5, 0.2], [0.25, 0.75])
    assert rows[0][7] == f"{q3 - q1:.3f}" and q3 - q1 == pytest.approx(0.9225 - 0.425)


def test_sweep_section_lists_every_count() -> None:
    text = to_markdown(sweep_section(records()[lambda d: d.pair_kind != "self"], "stitched_ratio"), Path("x.md"))
    assert "k=5" in text and "k=1000" not in text and "| free     | 0.920 | **0.920** | 0.920" in text
    assert "| quick    | n/a   | 0.910     | **0.930** | **0.990** |" in text  # the best of each count in bold


def test_markdown_escapes_pipes_and_links_relative_to_the_page(tmp_path) -> None:
    blocks = [
        Table(["a|b", "c"], [["|x − y|", 1]], caption="caption"),
        Gallery("maps", [Figure(tmp_path / "figs" / "m.png", "m")]),
    ]
    text = to_markdown(blocks, tmp_path / "out" / "board.md")
    assert "| a\\|b" in text and "\\|x − y\\|" in text and text.startswith("caption\n\n")
    assert text.rstrip().endswith("maps: [m](../figs/m.png)")


def test_a_gallery_of_many_figures_breaks_its_lines_between_links(tmp_path) -> None:
    names = [f"method-{i} (shared)" for i in range(12)]
    figures = [Figure(tmp_path / "figs" / f"m{i}.png", n) for i, n in enumerate(names)]
    gallery = Gallery("Heatmaps at 300 anchors", figures)
    lines = to_markdown([gallery], tmp_path / "board.md").rstrip().split("\n")
    assert len(lines) > 1 and max(map(len, lines)) <= WIDTH
    assert lines[0].startswith("Heatmaps at 300 anchors: [method-0 (shared)](figs/m0.png) · ")
    assert all(line.endswith(" ·") for line in lines[:-1]) and all(line.startswith("[") for line in lines[1:])
    links = " ".join(lines).split(": ", 1)[1].split(" · ")
    assert links == [f"[{n}](figs/m{i}.png)" for i, n in enumerate(names)]  # every link whole, in order


def reproduction_records(absolute_acc: float) -> pd.DataFrame:
    """Cross-seed cells of `digits` for the methods the reproduction findings read (the methods with unpaired
    samples in both settings: the findings read the shared one)."""
    cells = {
        ("absolute", 0): dict(stitched_acc=absolute_acc, stitched_ratio=absolute_acc, mrr=0.01, decoder_acc=0.15),
        ("relative", 300): dict(stitched_ratio=0.95, mrr=0.3),
        ("lst-procrustes", 10): dict(stitched_ratio=0.7),
        ("lst-procrustes", 300): dict(stitched_ratio=0.97),
        ("affine", 300): dict(stitched_ratio=0.98),
        ("linear", 300): dict(stitched_ratio=0.96),
        ("anchor-bootstrapping", 10, "shared"): dict(stitched_ratio=0.8),
        ("anchor-bootstrapping", 10, "disjoint"): dict(stitched_ratio=0.3),  # pooled with shared: 0.55 < 0.7
        ("lfm", 10, "shared"): dict(stitched_ratio=0.6),
        ("lfm", 10, "disjoint"): dict(stitched_ratio=1.0),  # pooled with shared: 0.8 > 0.7
    }
    rows = [
        dict(task="digits", method=m, anchors=k, unpaired=setting, status="ok", pair_kind=kind, **scores)
        for (m, k, *unpaired), scores in cells.items()
        for setting in [unpaired[0] if unpaired else ""]
        for kind in ("cross-seed", "cross-architecture")
    ]
    return pd.DataFrame(rows)


def test_reproduction_verdicts_follow_their_criteria() -> None:
    v = verdicts(reproduction_records(0.11)).set_index("finding")["verdict"]
    assert v["Stitching absolute spaces of two training seeds is at chance level"] == "holds"
    # digits: 10 classes, the bar 2 × 0.1; the own decoder at 0.15
    assert v["Absolute latents of another seed in the target's own decoder are at chance level"] == "holds"
    assert v["Relative spaces of independent models agree where absolute ones do not"] == "holds"  # 0.3 ≥ 10 × 0.01
    assert v["Orthogonal ≈ affine ≥ linear translation on vision"] == "holds"
    assert v["Bootstrapping anchors from a small seed helps"] == "holds"
    assert v["Functional maps refine few anchors"] == "does not hold"
    assert v["Text stitches worse than vision"] == "no records"
    again = verdicts(reproduction_records(0.5)).set_index("finding")["verdict"]
    assert again["Stitching absolute spaces of two training seeds is at chance level"] == "does not hold"
    # lfm in the disjoint setting only: the finding has no records
    missing = verdicts(reproduction_records(0.1).query("method != 'lfm' or unpaired == 'disjoint'"))
    lfm = missing.set_index("finding").loc["Functional maps refine few anchors"]
    assert lfm["verdict"] == "no records" and "no `stitched_ratio` of `lfm (shared)` at 10 anchors" in lfm["ours"]
    assert (verdicts(reproduction_records(0.1))["verdict"] != "no records").sum() >= 6


def test_reproduction_details_give_each_finding_its_own_heading_and_verdict() -> None:
    df = reproduction_records(0.11)
    compact, full = section(df, "results/reproduction.md")
    v = verdicts(df)
    headings = [b.text for b in full if isinstance(b, Heading) and b.level == 3]
    assert headings == list(v["finding"].unique())
    page = to_markdown(full, Path("results/reproduction.md"))
    assert max(map(len, page.splitlines())) <= 120  # prose and list items wrapped, no wide table
    chance = page.split("### Stitching absolute spaces of two training seeds is at chance level")[1].split("###")[0]
    assert "- **Ours**, `digits`: absolute stitched accuracy 0.110" in chance and "— **holds**" in chance
    assert "- **Protocol difference**: " in chance and "- **Criterion**: " in chance
    # the compact table links the details and lists every verdict
    table = next(b for b in compact if isinstance(b, Table))
    assert [row[-1] for row in table.rows] == list(v["verdict"])
    assert "[details](results/reproduction.md)" in next(b for b in compact if isinstance(b, Text)).markdown


def test_a_verdict_whose_interval_straddles_the_bar_is_inconclusive() -> None:
    """Relative across seeds: ratio ≥ 0.9. Cells spread around 0.9 give an interval across the bar."""
    rows = reproduction_records(0.11)
    rows = rows[~((rows["method"] == "relative") & (rows["pair_kind"] == "cross-seed"))]
    spread = [0.8, 0.85, 0.9, 0.95, 1.0, 0.82, 0.97, 0.9]
    rows = pd.concat([rows, pd.DataFrame([
        dict(task="digits", method="relative", anchors=300, status="ok", pair_kind="cross-seed", stitched_ratio=r)
        for r in spread
    ])])  # fmt: skip
    v = verdicts(rows).set_index("finding")
    finding = "Relative representations stitch across seeds"
    assert v.loc[finding, "verdict"] == "inconclusive" and "(8 cells)" in v.loc[finding, "ours"]
    assert v.loc[finding, "differs"]  # every finding states how our protocol differs


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


def test_compare_names_each_unpaired_setting_on_its_own() -> None:
    from bench.errors import BenchError
    from bench.report.compare import comparisons

    rows = [
        dict(task="digits", anchors=10, seed=0, source=s, target=t, status="ok", pair_kind="cross-seed",
             family="translator", method=m, unpaired=setting, stitched_ratio=r)
        for s, t in (("a", "b"), ("b", "a"))
        for m, setting, r in (("new", "", 0.9), ("lfm", "shared", 0.8), ("lfm", "disjoint", 0.5))
    ]  # fmt: skip
    table = comparisons(pd.DataFrame(rows), "new", ["lfm"]).set_index("against")["mean_diff"]
    assert table.to_dict() == pytest.approx({"lfm (disjoint)": 0.4, "lfm (shared)": 0.1})
    with pytest.raises(BenchError, match=r"'lfm' ran in several unpaired settings; compare one of 'lfm \(disjoint\)'"):
        comparisons(pd.DataFrame(rows), "lfm")
    assert comparisons(pd.DataFrame(rows), "lfm (shared)")["against"].tolist() == ["lfm (disjoint)", "new"]


def test_text_and_word_findings_follow_their_criteria() -> None:
    words = {("absolute", 0): 0.01, ("relative", 300): 0.7, ("procrustes", 300): 0.8}
    rows = [
        dict(task="wordnet-words", method=m, anchors=k, status="ok", pair_kind=kind, mrr=mrr)
        | {"retrieval_jaccard@10": mrr / 2}
        for (m, k), mrr in words.items()
        for kind in ("cross-architecture", "cross-seed")
    ]
    for task, ratio in (("digits", 0.95), ("wordnet-gloss", 0.8)):
        rows += [
            dict(task=task, method=m, anchors=300, status="ok", pair_kind="cross-architecture", stitched_ratio=ratio)
            for m in ("lst-procrustes", "affine")
        ]
    word_finding = ("Absolute word-embedding spaces do not retrieve each other", "wordnet-words")
    v = verdicts(pd.DataFrame(rows)).set_index(["finding", "task"])
    assert v.loc[word_finding, "verdict"] == "holds"
    assert (
        "cross-architecture: Jaccard absolute 0.005 [0.005, 0.005], relative 0.350 [0.350, 0.350], procrustes "
        "0.400 [0.400, 0.400], MRR absolute 0.010 [0.010, 0.010]" in v.loc[word_finding, "ours"]
    )
    text = v.loc[("Text stitches worse than vision", "wordnet-gloss")]
    assert text["verdict"] == "holds" and "text 0.200 [0.200, 0.200] vs vision 0.050 [0.050, 0.050]" in text["ours"]
    rows[2]["mrr"] = 0.4  # relative below 0.5 on the cross-architecture pairs
    again = verdicts(pd.DataFrame(rows)).set_index(["finding", "task"])
    assert again.loc[word_finding, "verdict"] == "does not hold"
    rows[2]["mrr"], rows[0]["retrieval_jaccard@10"] = 0.7, 0.2  # absolute retrieves a fifth of the neighbourhood
    assert verdicts(pd.DataFrame(rows)).set_index(["finding", "task"]).loc[word_finding, "verdict"] == "does not hold"


def test_a_cross_modal_task_gets_its_retrieval_table_with_chance(tmp_path) -> None:
    from bench.report.leaderboard import task_section

    rows = [
        dict(task="speech-text", method=m, family="translator", anchors=k, seed=0, source=s, target=t, status="ok",
             pair_kind=kind, modality="crossmodal",
             **{"src2tgt_r@1": r, "tgt2src_r@1": r / 2, "src2tgt_mrr": r, "cka": 0.5})
        for m, r in (("procrustes", 0.6), ("relative", 0.4))
        for k in (10, 300)
        for s, t, kind in (("whisper-tiny-en", "minilm-l6", "audio → text"),
                           ("minilm-l6", "whisper-tiny-en", "text → audio"))
    ]  # fmt: skip
    text = to_markdown(task_section("speech-text", pd.DataFrame(rows), tmp_path, tmp_path), tmp_path / "x.md")
    assert "### Cross-modal retrieval (source → target)" in text and "Chance: R@1 = 1/50 = 0.020" in text
    assert "### Cross-modal retrieval (target → source)" in text and text.count("Chance: R@1") == 1
    row = next(line for line in text.splitlines() if line.startswith("| procrustes | 300 "))
    best = "**0.600 [0.600, 0.600]**"  # procrustes 0.6 beats relative 0.4: in bold
    assert [c.strip() for c in row.strip("|").split("|")][2:5] == ["2", best, best]
    assert "audio → text" in text and "text → audio" in text
