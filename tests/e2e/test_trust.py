"""Numbers a researcher can defend, on the CI manifest: the main score's denominator is the target's native head,
the same for every method; a projector that weakens both sides cannot outrank the identity; and no recorded
stitched accuracy moves with the head's tolerance (100× tighter), the thread count (2 instead of 1) or the
precision (float64 instead of float32) — k = 10, where the anchors do not span the spaces, included."""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from pathlib import Path

import pytest
import torch

from bench import heads
from bench.cache import SpaceCache
from bench.manifest import load_manifest
from bench.records import read_records
from bench.runner import Filters, Runner, resolve
from tests.helpers import CI_MANIFEST, bench

#: the methods whose fits take seconds each (optimal transport): their heads are the native heads, which the
#: translators' cells already check
SLOW = {"gw-procrustes", "lfm", "anchor-bootstrapping"}


def stitched(results: Path) -> dict[str, float]:
    return {r["id"]: r["metrics"]["stitched_acc"] for r in read_records(results) if r["status"] == "ok"}


def test_the_native_head_is_every_methods_denominator(ci_run) -> None:
    root, _ = ci_run
    natives: dict[str, set[float]] = defaultdict(set)
    for r in read_records(root / "results"):
        if r["status"] != "ok":
            continue
        m = r["metrics"]
        natives[r["target"]].add(m["native_acc"])
        assert m["stitched_ratio"] == pytest.approx(m["stitched_acc"] / m["native_acc"])
        assert m["stitched_gap"] == pytest.approx(m["stitched_acc"] - m["native_acc"])
        if r["family"] == "translator":
            assert m["method_nostitch_acc"] == m["native_acc"]  # a translator's common space is the target's own
        if r["source"] == r["target"] and r["method"] == "absolute":
            assert m["stitched_ratio"] == 1.0
    assert all(len(values) == 1 for values in natives.values()), natives
    high = [r for r in read_records(root / "results") if r["status"] == "ok" and r["metrics"]["stitched_ratio"] > 1.05]
    assert not high, [(r["method"], r["source"], r["target"], r["metrics"]["stitched_ratio"]) for r in high]


WEAKENS = """
from bench.methods import Method


class KeepsFour(Method):
    '''Both sides projected to their first four dimensions: a weaker common space, equally on both sides.'''

    name = "keeps-four"
    family = "projector"

    def fit(self, source_anchors, target_anchors, **unpaired):
        return self

    def source(self, x):
        return x[:, :4]

    def target(self, y):
        return y[:, :4]
"""


def test_a_projector_that_weakens_both_sides_cannot_outrank_the_identity(
    ci_run, cache_dir, tmp_path, monkeypatch, fresh_plugins
) -> None:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "keeps_four.py").write_text(WEAKENS)
    monkeypatch.setenv("BENCH_BASELINES_PATH", str(tmp_path / "plugins"))
    fresh_plugins()
    manifest = load_manifest(CI_MANIFEST)
    cells = resolve(manifest, Filters(methods=frozenset({"keeps-four", "absolute"}), encoders=frozenset({"mlp-s0"})))
    Runner(tmp_path / "results", SpaceCache(cache_dir), progress=False).run(cells)
    ratio = {r["method"]: r["metrics"] for r in read_records(tmp_path / "results")}
    assert ratio["absolute"]["stitched_ratio"] == 1.0
    weak = ratio["keeps-four"]
    assert weak["stitched_acc"] == weak["method_nostitch_acc"]  # a space against itself: stitching loses nothing
    assert weak["stitched_ratio"] < 0.9  # but the native head sets the bar, so the weaker space ranks lower


def test_a_tighter_head_and_two_threads_move_no_stitched_accuracy(ci_run, cache_dir, tmp_path, monkeypatch) -> None:
    """Every CI cell but the optimal-transport ones, scored in this process on two threads with heads solved to a
    tolerance 100× tighter: no stitched accuracy moves by more than 0.002."""
    import bench.executors

    root, _ = ci_run
    monkeypatch.setattr(heads, "TOL", heads.TOL / 100)
    monkeypatch.setattr(bench.executors, "single_thread", contextlib.nullcontext)
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        manifest = load_manifest(CI_MANIFEST)
        methods = frozenset(m for m in {c.method for c in resolve(manifest)} if m not in SLOW)
        cells = resolve(manifest, Filters(methods=methods))
        Runner(tmp_path / "results", SpaceCache(cache_dir), progress=False).run(cells, jobs=1)
    finally:
        torch.set_num_threads(threads)
    reference, again = stitched(root / "results"), stitched(tmp_path / "results")
    assert len(again) > 400 and set(again) <= set(reference)
    moved = {i: abs(again[i] - reference[i]) for i in again}
    assert max(moved.values()) <= 0.002, sorted(moved.items(), key=lambda kv: -kv[1])[:5]


def test_float64_moves_no_stitched_accuracy(ci_run, cache_dir, tmp_path) -> None:
    """Every CI cell scored in float64 (maps, projections and metrics; the head is float64 either way): no stitched
    accuracy moves by more than 0.005, k = 10 included."""
    root, _ = ci_run
    results = tmp_path / "results"
    bench("run", "--manifest", str(CI_MANIFEST), "--results", str(results), "--dtype", "float64", "--quiet",
          "--no-leaderboard", cache=cache_dir)  # fmt: skip
    reference, again = stitched(root / "results"), stitched(results)
    assert set(again) == set(reference)
    assert all(json.loads(p.read_text())["dtype"] == "float64" for p in list((results / "records").rglob("*.json"))[:5])
    moved = {i: abs(again[i] - reference[i]) for i in again}
    assert max(moved.values()) <= 0.005, sorted(moved.items(), key=lambda kv: -kv[1])[:5]
