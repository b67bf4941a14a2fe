"""The results table is read without side effects and never replaced by one that lost cells."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

import bench
from bench.cells import Cell
from bench.plugins import plugins
from bench.records import write_record
from bench.report.table import collect


def record(source: str, target: str, ratio: float) -> dict:
    version = plugins().methods.get("procrustes").version
    cell = Cell("digits", source, target, "procrustes", 10, 0, plugins().tasks.get("digits").version, version)
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
