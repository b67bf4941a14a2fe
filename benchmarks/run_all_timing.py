"""Time `python -m bench run --all` cold (empty cache and results) and warm (everything recorded).

Writes `benchmarks/run_all_timing.json` with the wall times, their ratio, and the per-phase breakdown
taken from the records' timings and the encoders' training reports, and the fit + score time per method:

    python benchmarks/run_all_timing.py                  # in a temporary folder
    python benchmarks/run_all_timing.py --results results  # keep the records (and leaderboard.md beside them)
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


def timed_run(results: Path, cache: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bench", "run", "--all", "--quiet", "--results", str(results), "--cache", str(cache)],
        check=True,
        env=os.environ | {"HF_HUB_OFFLINE": "1"},
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="results folder to keep (its records are replaced)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results, cache = args.results or Path(tmp) / "results", Path(tmp) / "cache"
        shutil.rmtree(results / "records", ignore_errors=True)
        cold = timed_run(results, cache)
        warm = timed_run(results, cache)
        records = pd.DataFrame(
            [r["timings"] | {"status": r["status"], "method": r["method"]} for r in read_records(results)]
        )
        trained = [
            report["train_s"]
            for path in (results / "encoders").glob("*.json")
            for report in json.loads(path.read_text()).values()
        ]
    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}",
        "cells": len(records),
        "statuses": records["status"].value_counts().to_dict(),
        "cold_s": round(cold, 1),
        "warm_s": round(warm, 1),
        "warm_over_cold": round(warm / cold, 4),
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
    OUT.write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
