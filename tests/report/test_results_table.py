"""The results table is read without side effects and never replaced by one that lost cells."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest

import bench
from bench.cells import Cell
from bench.plugins import plugins
from bench.records import write_record
from bench.report.table import collect


def record(source: str, target: str, ratio: float, method: str = "procrustes", unpaired: str = "") -> dict:
    version = plugins().methods.get(method).version
    task_version = plugins().tasks.get("digits").version
    cell = Cell("digits", source, target, method, 10, 0, task_version, version, unpaired)
    return asdict(cell) | {
        "id": cell.id,
        "status": "ok",
        "metrics": {"stitched_ratio": ratio},
        "pair_kind": "cross-seed",
    }


def test_a_fresh_clone_reads_the_committed_table_and_leaves_it_as_it_is(tmp_path: Path) -> None:
    committed = pd.DataFrame({"id": ["a", "b"], "task": ["digits"] * 2, "stitched_ratio": [0.9, 0.8]})
    committed.to_csv(tmp_path / "results.csv", index=False)
    before = (tmp_path / "results.csv").read_bytes()
    df = bench.load_results(tmp_path)
    assert df.attrs["source"] == "table" and df["stitched_ratio"].tolist() == [0.9, 0.8]
    assert collect(tmp_path).attrs["source"] == "table"
    assert (tmp_path / "results.csv").read_bytes() == before


def test_records_that_cover_the_table_rewrite_it_and_a_partial_copy_does_not(tmp_path: Path) -> None:
    rows = [record("mlp-s0", "mlp-s1", 0.9), record("mlp-s1", "mlp-s0", 0.8)]
    for r in rows:
        write_record(tmp_path, r)
    df = collect(tmp_path)
    assert df.attrs["kept_table"] == 0 and len(pd.read_csv(tmp_path / "results.csv")) == 2
    next((tmp_path / "records").rglob("*.json")).unlink()  # one record file lost
    before = (tmp_path / "results.csv").read_bytes()
    df = collect(tmp_path)
    assert len(df) == 1 and df.attrs["kept_table"] == 1
    assert (tmp_path / "results.csv").read_bytes() == before  # the two-row table is kept


def test_the_report_reads_the_same_numbers_and_metadata_from_records_and_from_the_table(tmp_path: Path) -> None:
    from bench.report.leaderboard import run_metadata, write_leaderboard

    pairs = [("mlp-s0", "mlp-s1"), ("mlp-s1", "mlp-s0"), ("mlp-s0", "cnn-s0"), ("cnn-s0", "mlp-s0")]
    # lfm in both unpaired settings: two methods of the report, never pooled
    cells = [(s, t, "procrustes", "") for s, t in pairs] + [
        (s, t, "lfm", setting) for s, t in pairs[:2] for setting in ("shared", "disjoint")
    ]
    for i, (source, target, method, setting) in enumerate(cells):
        r = record(source, target, 0.9 - i * 0.0123456789, method, setting)  # more digits than the table keeps
        r |= {
            "family": "translator",
            "modality": "images",
            "git_revision": "abc123",
            "device": "cpu",
            "dtype": "float32",
            "versions": {"torch": "2.0"},
            "timestamp": f"2026-01-0{min(i + 1, 4)}T00:00:00+00:00",
        }
        r["metrics"] |= {"stitched_acc": 0.8 + i * 0.0123456789, "cka": 0.5 + i / 7}
        write_record(tmp_path, r)
    from_records = collect(tmp_path)
    assert (tmp_path / "run.json").is_file()
    write_leaderboard(from_records, tmp_path, tmp_path / "a.md")
    page = (tmp_path / "tasks" / "digits.md").read_text()
    for f in (tmp_path / "records").rglob("*.json"):
        f.unlink()
    from_table = bench.load_results(tmp_path)
    assert from_table.attrs["source"] == "table"
    write_leaderboard(from_table, tmp_path, tmp_path / "b.md")

    assert (tmp_path / "a.md").read_text() == (tmp_path / "b.md").read_text()
    assert (tmp_path / "tasks" / "digits.md").read_text().replace("b.md", "a.md") == page
    assert "abc123" in (tmp_path / "b.md").read_text()
    meta = dict(run_metadata(from_table))
    assert meta["git revision"] == "abc123" and meta["versions"] == "torch 2.0" and meta["precision"] == "float32"
    assert meta["ran"] == "2026-01-01T00:00:00+00:00 to 2026-01-04T00:00:00+00:00"
    pd.testing.assert_series_equal(from_records["stitched_acc"], from_table["stitched_acc"])
    pd.testing.assert_series_equal(from_records["unpaired"], from_table["unpaired"])
    # one row per setting, each the mean of its own two cells (0.9 − i × 0.0123456789, i = 4, 6 and 5, 7);
    # pooled, both would read 0.832
    assert "| lfm (shared)   | 0.838 [0.826, 0.851]" in page and "| lfm (disjoint) | 0.826 [0.814, 0.838]" in page
    assert "heatmap-lfm-shared.png" in page and "heatmap-lfm-disjoint.png" in page


def test_records_of_a_task_whose_plugin_is_absent_render_with_the_metadata_of_run_json(tmp_path: Path) -> None:
    from bench.atomic import write_json
    from bench.report.leaderboard import task_meta, write_leaderboard

    version = plugins().methods.get("procrustes").version
    for k in (10, 300):
        for source, target in (("a", "b"), ("b", "a")):
            cell = Cell("gone-task", source, target, "procrustes", k, 0, "1", version)
            write_record(tmp_path, asdict(cell) | {"id": cell.id, "status": "ok", "pair_kind": "cross-seed",
                                                   "family": "translator", "modality": "text",
                                                   "metrics": {"mrr": 0.5 + k / 1000, "cosine": 0.9}})  # fmt: skip
    meta = {"main": "mrr", "modality": "text", "classes": 0, "description": "A task not installed here",
            "provenance": "", "licence": "", "roster": ["b", "a"], "pretrained": []}  # fmt: skip
    write_json(tmp_path / "run.json", {"tasks": {"gone-task": meta}})
    df = collect(tmp_path)
    assert task_meta("gone-task", df)["main"] == "mrr"
    assert bench.load_results(tmp_path).attrs["run"]["tasks"]["gone-task"] == meta  # kept when run.json is rewritten
    write_leaderboard(df, tmp_path, tmp_path / "leaderboard.md")
    page = (tmp_path / "tasks" / "gone-task.md").read_text()
    assert "### `mrr` by anchor count" in page and "A task not installed here." in page


def test_the_committed_table_renders_as_on_a_fresh_clone(tmp_path: Path) -> None:
    """The repository's own `results/results.csv` (no records beside it, as on a fresh clone) gives the whole
    report: summary, task pages, reproduction and HTML, every cell counted."""
    import shutil

    from bench.registry import project_home
    from bench.report.leaderboard import write_leaderboard

    committed = project_home() / "results"
    if not (committed / "results.csv").is_file():
        pytest.skip("no committed results table in this checkout")
    results = tmp_path / "results"
    results.mkdir()
    for name in ("results.csv", "run.json", "encoders"):
        if (committed / name).is_dir():
            shutil.copytree(committed / name, results / name)
        elif (committed / name).is_file():
            shutil.copy(committed / name, results / name)
    df = bench.load_results(results)
    assert df.attrs["source"] == "table"
    written = write_leaderboard(df, results, tmp_path / "leaderboard.md", html=True)
    board = (tmp_path / "leaderboard.md").read_text()
    assert f"Records: {len(df)} cells" in board and (tmp_path / "leaderboard.html") in written
    assert {p.stem for p in (results / "tasks").glob("*.md")} == set(df["task"])
