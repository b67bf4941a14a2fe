"""The cross-machine comparison (`benchmarks/cross_machine.py`) on records built by hand."""

from __future__ import annotations

import importlib.util

import pandas as pd

from bench.registry import project_home

spec = importlib.util.spec_from_file_location("cross_machine", project_home() / "benchmarks" / "cross_machine.py")
cross_machine = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cross_machine)


def records(rows: list[tuple[str, str, int, str, float]]) -> pd.DataFrame:
    """(id, method, anchors, status, stitched_acc) rows of one pair, indexed by id."""
    setting = dict(task="t", source="a", target="b", seed=0, unpaired="", fit_s=0.1)
    rows = [setting | dict(id=i, method=m, anchors=k, status=s, stitched_acc=acc) for i, m, k, s, acc in rows]
    return pd.DataFrame(rows).set_index("id")


def test_agreement_counts_identical_cells_and_the_largest_difference() -> None:
    first = records([("1", "affine", 10, "ok", 0.5), ("2", "relative", 10, "ok", 0.4),
                     ("3", "lortho", 10, "failed", float("nan")), ("4", "affine", 30, "ok", 0.7)])  # fmt: skip
    second = records([("1", "affine", 10, "ok", 0.5), ("2", "relative", 10, "ok", 0.403),
                      ("3", "lortho", 10, "ok", 0.2), ("5", "affine", 50, "ok", 0.9)])  # fmt: skip
    a, b = cross_machine.paired(first, second)
    assert list(a.index) == ["1", "2"] and list(b.index) == ["1", "2"]  # 3 failed on one side, 4 and 5 on one only
    table = cross_machine.agreement(a, b).set_index("metric")
    assert list(table.index) == ["stitched_acc"]  # fit_s, anchors and seed are not metrics
    row = table.loc["stitched_acc"]
    assert row["cells"] == 2 and row["identical"] == 1 and abs(row["max_abs_diff"] - 0.003) < 1e-12


def test_same_best_sees_a_changed_winner_and_keeps_ties() -> None:
    first = records([("1", "affine", 10, "ok", 0.5), ("2", "relative", 10, "ok", 0.5),
                     ("3", "affine", 30, "ok", 0.7), ("4", "relative", 30, "ok", 0.6)])  # fmt: skip
    second = records([("1", "affine", 10, "ok", 0.5), ("2", "relative", 10, "ok", 0.5),
                      ("3", "affine", 30, "ok", 0.6), ("4", "relative", 30, "ok", 0.61)])  # fmt: skip
    assert cross_machine.best_methods(first).tolist() == [frozenset({"affine", "relative"}), frozenset({"affine"})]
    assert cross_machine.same_best(first, second) == (1, 2)  # the tie at k=10 agrees, k=30 changes winner
