"""The CI manifest end to end through the command line (real data, real training, fewer encoders),
and the papers' findings in direction on it; rerun, determinism, a run stopped by SIGKILL or SIGTERM."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from bench.plugins import plugins
from bench.records import read_records
from tests.helpers import CI_MANIFEST, bench

METHODS = plugins().methods.names()
ANCHOR_FREE = [m for m in METHODS if not plugins().methods.get(m).properties.needs_anchors]
UNPAIRED = [m for m in METHODS if plugins().methods.get(m).properties.unpaired]
# ordered pairs (incl. self: 16 of the four encoders trained on labels, 4 of the two relative-trained MLPs) × one
# seed × per method: its anchor counts (10 and 300; 0 for an anchor-free method) × its unpaired settings (shared and
# disjoint for a method that uses unpaired samples)
PAIRS = 4 * 4 + 2 * 2
CI_CELLS = PAIRS * sum((1 if m in ANCHOR_FREE else 2) * (2 if m in UNPAIRED else 1) for m in METHODS)


def metrics_by_id(results: Path) -> dict[str, dict]:
    return {r["id"]: r["metrics"] for r in read_records(results)}


def test_ci_run_writes_every_record_table_and_leaderboard(ci_run) -> None:
    root, proc = ci_run
    records = read_records(root / "results")
    assert len(records) == CI_CELLS == len({r["id"] for r in records})
    status = pd.Series([r["status"] for r in records]).value_counts().to_dict()
    # absolute needs equal dims: of the 16 ordered pairs of mlp-s0, mlp-s1 (64), cnn-s0 (128) and
    # ae-s0 (16), 10 differ in dimension → 10 cells (absolute runs at anchor count 0 only) not applicable (the
    # relative-trained MLPs are both 64-d)
    assert status == {"ok": CI_CELLS - 10, "not_applicable": 10}
    assert {r["method"] for r in records if r["anchors"] == 0} == set(ANCHOR_FREE) >= {"absolute", "gw-procrustes"}
    assert f"{CI_CELLS} cells: 0 already recorded" in proc.stdout
    table = pd.read_csv(root / "results" / "results.csv")
    assert len(table) == CI_CELLS and {"stitched_acc", "mrr", "jaccard@10", "reconstruction_mse"} <= set(table)
    for r in records:
        assert r["seed"] == 0 and r["versions"]["torch"] and r["timestamp"]
    board = (root / "leaderboard.md").read_text()
    assert max(map(len, board.splitlines())) <= 200
    assert "## Overall ranking" in board and "## Tasks" in board and "[`digits`](results/tasks/digits.md)" in board
    page = (root / "results" / "tasks" / "digits.md").read_text()
    assert page.startswith("[← leaderboard](../../leaderboard.md)") and max(map(len, page.splitlines())) <= 200
    for heading in ("## Task `digits`", "### Stitched classification", "### Translation fidelity"):
        assert heading in page
    assert "](../figures/digits/heatmap-procrustes.png)" in page  # figure links relative to the page
    figures = root / "results" / "figures" / "digits"
    assert (figures / "anchors-stitched_ratio.png").stat().st_size > 1000
    # one heatmap per method, and per unpaired setting of a method that uses unpaired samples
    shown = [m for m in METHODS if m not in UNPAIRED] + [f"{m}-{s}" for m in UNPAIRED for s in ("shared", "disjoint")]
    assert {p.name for p in figures.glob("heatmap-*.png")} == {f"heatmap-{m}.png" for m in shown}
    assert "### Similarity of the raw spaces" in page and (figures / "similarity-cka.png").is_file()


def test_every_method_scores_finite_numbers_on_the_ci_spaces(ci_run) -> None:
    root, _ = ci_run
    ok = [r for r in read_records(root / "results") if r["status"] == "ok"]
    assert {r["method"] for r in ok} == set(METHODS)
    for r in ok:
        bad = [k for k, v in r["metrics"].items() if v is None or not math.isfinite(v)]
        assert not bad, f"{r['method']} {r['source']}→{r['target']} k={r['anchors']}: {bad} not finite"


def test_papers_findings_hold_in_direction(ci_run) -> None:
    root, _ = ci_run
    df = pd.read_csv(root / "results" / "results.csv")
    cross = df[(df.status == "ok") & (df.pair_kind != "self")]
    mean = cross.groupby(["method", "anchors"])["stitched_acc"].mean()
    native = cross.groupby(["method", "anchors"])["native_acc"].mean()
    assert mean["absolute", 0] < 0.3  # near chance (0.1) across seeds
    assert mean["relative", 300] > 0.8
    for method in ("procrustes", "affine", "linear"):
        assert native[method, 300] - mean[method, 300] < 0.05
    for method in ("relative", "procrustes", "affine", "linear"):
        assert mean[method, 300] > mean[method, 10]
    # growing the anchors from unpaired samples pays where anchors are few, in its paper's setting (the same
    # samples on both sides, correspondence hidden)
    shared = cross[(cross["method"] == "anchor-bootstrapping") & (cross["unpaired"] == "shared")]
    assert shared.groupby("anchors")["stitched_acc"].mean()[10] > mean["lst-procrustes", 10]  # its translator
    na = df[(df.method == "absolute") & (df.source_dim != df.target_dim)]
    assert (na.status == "not_applicable").all() and na.error.str.contains("needs equal dimensions").all()


def test_own_accuracy_of_trained_encoders_is_reported(ci_run) -> None:
    import json

    root, _ = ci_run
    reports = json.loads((root / "results" / "encoders" / "digits.json").read_text())
    assert set(reports) == {"mlp-s0", "mlp-s1", "cnn-s0", "ae-s0", "rel-mlp-s0", "rel-mlp-s1"}
    for name in ("mlp-s0", "mlp-s1", "cnn-s0", "rel-mlp-s0", "rel-mlp-s1"):
        assert reports[name]["accuracy"] > reports[name]["floor_accuracy"] > 0.9
    assert reports["ae-s0"]["reconstruction_mse"] < reports["ae-s0"]["floor_mse"]  # beats PCA of its dimension
    native = {r["target"]: r["metrics"]["native_acc"] for r in read_records(root / "results") if r["status"] == "ok"}
    assert {name: r["probe_accuracy"] for name, r in reports.items()} == native  # the linear probe is the native head


def test_rerun_skips_recorded_cells_and_force_redoes_them(ci_run, cache_dir) -> None:
    root, _ = ci_run
    results = root / "results"
    before = {p: p.stat().st_mtime_ns for p in (results / "records").rglob("*.json")}
    proc = bench("run", "--manifest", str(CI_MANIFEST), "--results", str(results), "--quiet", cache=cache_dir)
    assert f"{CI_CELLS} cells: {CI_CELLS} already recorded; ran: nothing to do" in proc.stdout
    assert "leaderboard up to date" in proc.stdout
    assert before == {p: p.stat().st_mtime_ns for p in (results / "records").rglob("*.json")}
    old = metrics_by_id(results)
    proc = bench(
        "run", "--manifest", str(CI_MANIFEST), "--results", str(results), "--quiet", "--force",
        "--method", "procrustes", "--encoder", "mlp-s0,cnn-s0", "--anchors", "10", cache=cache_dir,
    )  # fmt: skip
    assert "4 cells: 0 already recorded; ran: 4 ok" in proc.stdout
    assert metrics_by_id(results) == old


def test_cpu_determinism_from_scratch(ci_run, tmp_path) -> None:
    """A fresh cache retrains the encoders, and one process scores what two did: the same seed gives the
    same records, bit for bit."""
    root, _ = ci_run
    results = tmp_path / "results"
    bench(
        "run", "--manifest", str(CI_MANIFEST), "--results", str(results), "--quiet", "--jobs", "1",
        "--encoder", "mlp-s0,mlp-s1,ae-s0", "--method", "relative,procrustes,linear", cache=tmp_path / "cache",
    )  # fmt: skip
    again = metrics_by_id(results)
    reference = metrics_by_id(root / "results")
    assert len(again) == 3 * 3 * 3 * 2
    assert all(again[i] == reference[i] for i in again)


def test_stopping_a_run_leaves_no_process_and_loses_or_duplicates_nothing(ci_run, cache_dir, tmp_path) -> None:
    """SIGKILL (nothing can be cleaned up: the scoring processes notice their parent is gone and exit), then
    SIGTERM (handled like Ctrl-C: the pool is shut down, exit status 143 with how to resume); the rerun completes
    the cells, and the records equal an uninterrupted run's."""
    import psutil

    root, _ = ci_run
    results = tmp_path / "results"
    args = [sys.executable, "-m", "bench", "run", "--manifest", str(CI_MANIFEST), "--results", str(results),
            "--quiet", "--no-leaderboard", "--jobs", "2"]  # fmt: skip
    env = os.environ | {"BENCH_CACHE": str(cache_dir)}
    for kill_after, sig in ((20, signal.SIGKILL), (90, signal.SIGTERM)):
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 120
        while len(list((results / "records").glob("*/*.json"))) < kill_after and proc.poll() is None:
            assert time.time() < deadline
            time.sleep(0.05)
        children = psutil.Process(proc.pid).children(recursive=True)
        assert len(children) >= 2  # the scoring processes
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        alive = psutil.wait_procs(children, timeout=10)[1]
        assert not alive, f"{len(alive)} processes outlived the run ({sig.name})"
        if sig == signal.SIGTERM:
            assert proc.returncode == 143
            assert err.strip().splitlines()[-1] == (
                "stopped by SIGTERM: finished cells are recorded; rerun the same command to resume"
            )
    done = len(list((results / "records").glob("*/*.json")))
    assert 90 <= done < CI_CELLS, done
    proc = bench("run", "--manifest", str(CI_MANIFEST), "--results", str(results), "--quiet", cache=cache_dir)
    assert f"{CI_CELLS} cells: {done} already recorded" in proc.stdout
    files = list((results / "records").rglob("*"))
    assert not [f for f in files if f.name.startswith(".")]
    resumed = metrics_by_id(results)
    assert len(resumed) == CI_CELLS == len([f for f in files if f.suffix == ".json"])
    assert resumed == metrics_by_id(root / "results")


def test_records_of_an_earlier_method_version_are_left_out_of_the_table(ci_run, tmp_path) -> None:
    import json
    import shutil

    from bench.report.table import collect

    root, _ = ci_run
    results = tmp_path / "results"
    shutil.copytree(root / "results" / "records", results / "records")
    stale = next((results / "records" / "digits").glob("*.json"))
    record = json.loads(stale.read_text())
    record["method_version"] = "0"
    stale.write_text(json.dumps(record))
    table = collect(results)
    assert len(table) == CI_CELLS - 1 and record["id"] not in set(table["id"])
