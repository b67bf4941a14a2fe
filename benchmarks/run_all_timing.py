"""Time `python -m bench run --all` cold (empty cache and results) and warm (everything recorded).

Writes `benchmarks/run_all_timing.json` with the wall times, their ratio, and the per-phase breakdown
taken from the records' timings and the encoders' training reports:

    python benchmarks/run_all_timing.py
"""

from __future__ import annotations

import json
import os
import platform
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
    with tempfile.TemporaryDirectory() as tmp:
        results, cache = Path(tmp) / "results", Path(tmp) / "cache"
        cold = timed_run(results, cache)
        warm = timed_run(results, cache)
        records = pd.DataFrame([r["timings"] | {"status": r["status"]} for r in read_records(results)])
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
    }
    OUT.write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
