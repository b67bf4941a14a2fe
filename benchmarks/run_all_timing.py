"""Time `python -m bench run --all` cold (empty cache and results) and warm (everything recorded).

Writes `benchmarks/run_all_timing.json` with the wall times, their ratio, and the per-phase breakdown
taken from the records' timings and the encoders' training reports, and the fit + score time per method:

    python benchmarks/run_all_timing.py                  # in a temporary folder
    python benchmarks/run_all_timing.py --results results  # keep the records (and leaderboard.md beside them)
    python benchmarks/run_all_timing.py --task digits      # only these tasks (comma-separated)
    python benchmarks/run_all_timing.py --results results --breakdown-only  # existing records' phases, written
                                                                           # to benchmarks/records_breakdown.json

The per-phase and per-method figures are also given per task.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from bench.records import read_records

OUT = Path(__file__).with_name("run_all_timing.json")
#: where --breakdown-only writes (the timed figures above are kept)
BREAKDOWN_OUT = Path(__file__).with_name("records_breakdown.json")


def timed_run(results: Path, cache: Path, tasks: str | None) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bench", "run", "--all", "--quiet", "--results", str(results), "--cache", str(cache)]
        + (["--task", tasks] if tasks else []),
        check=True,
        env=os.environ | {"HF_HUB_OFFLINE": "1"},
    )
    return time.perf_counter() - start


def training_times(results: Path) -> dict[str, list[float]]:
    """Task → the training seconds of its encoders (from their reports)."""
    return {
        path.stem: [report["train_s"] for report in json.loads(path.read_text()).values()]
        for path in (results / "encoders").glob("*.json")
    }


def breakdown(records: pd.DataFrame, trained: list[float]) -> dict:
    """Cells, statuses, the time per phase and the fit + score time per method."""
    return {
        "cells": len(records),
        "statuses": records["status"].value_counts().to_dict(),
        "phases_s": {
            "train (sum over encoders)": round(sum(trained), 1),
            "load spaces (sum over cells)": round(records["load_s"].sum(), 1),
            "fit + map (sum over cells)": round(records["fit_s"].sum(), 1),
            "score (sum over cells)": round(records["score_s"].sum(), 1),
        },
        "fit + score by method (sum over cells, s)": (
            records.assign(s=records["fit_s"] + records["score_s"])
            .groupby("method")["s"]
            .sum()
            .round(1)
            .sort_values(ascending=False)
            .to_dict()
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="results folder to keep (its records are replaced)")
    parser.add_argument("--task", help="only these tasks (comma-separated)")
    parser.add_argument("--breakdown-only", action="store_true", help="no run: the phases of --results' records")
    args = parser.parse_args()
    if args.breakdown_only and not args.results:
        parser.error("--breakdown-only reads the records of --results")
    figures: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}"}
    with tempfile.TemporaryDirectory() as tmp:
        results, cache = args.results or Path(tmp) / "results", Path(tmp) / "cache"
        if not args.breakdown_only:
            shutil.rmtree(results / "records", ignore_errors=True)
            cold = timed_run(results, cache, args.task)
            warm = timed_run(results, cache, args.task)
            figures |= {"cold_s": round(cold, 1), "warm_s": round(warm, 1), "warm_over_cold": round(warm / cold, 4)}
        records = pd.DataFrame(
            [r["timings"] | {k: r[k] for k in ("status", "method", "task")} for r in read_records(results)]
        )
        trained = training_times(results)
    figures |= breakdown(records, [s for times in trained.values() for s in times])
    if records["task"].nunique() > 1:
        figures["by task"] = {
            task: breakdown(trecords, trained.get(task, [])) for task, trecords in records.groupby("task")
        }
    (BREAKDOWN_OUT if args.breakdown_only else OUT).write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
