"""Time `python -m bench run --all` cold (empty cache and results) and warm (everything recorded).

Writes `benchmarks/run_all_timing.json` with the wall times, their ratio, and the per-phase breakdown
taken from the records' timings and the encoders' training reports, and the fit + score time per method:

    python benchmarks/run_all_timing.py                  # in a temporary folder
    python benchmarks/run_all_timing.py --results results  # keep the records (and leaderboard.md beside them)
    python benchmarks/run_all_timing.py --task digits      # only these tasks (comma-separated)
    python benchmarks/run_all_timing.py --results results --breakdown-only  # existing records' phases, written
                                                                           # to benchmarks/records_breakdown.json

The per-phase and per-method figures are also given per task, and each encoder's training time (its report
under `results/encoders/`) and encoding time (the `encode_s` of its cached spaces, from `--cache`, default the
suite's cache); `benchmarks/timings.md` renders the phases per task and the encoders per task and roster as
markdown tables (the README's Timings section).
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
from tabulate import tabulate

from bench.cache import SpaceCache
from bench.records import read_records

OUT = Path(__file__).with_name("run_all_timing.json")
#: where --breakdown-only writes (the timed figures above are kept)
BREAKDOWN_OUT = Path(__file__).with_name("records_breakdown.json")
#: the phase and encoder tables in markdown
TABLES_OUT = Path(__file__).with_name("timings.md")


def timed_run(results: Path, cache: Path, tasks: str | None) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bench", "run", "--all", "--quiet", "--results", str(results), "--cache", str(cache)]
        + (["--task", tasks] if tasks else []),
        check=True,
        env=os.environ | {"HF_HUB_OFFLINE": "1"},
    )
    return time.perf_counter() - start


def encoder_times(results: Path, cache: SpaceCache) -> pd.DataFrame:
    """One row per encoder of each task's report: its roster (the name without `-s<seed>`), training seconds
    (0 for a frozen or packaged encoder) and encoding seconds summed over its cached splits (NaN when the cache
    does not hold them)."""
    rows = []
    for path in sorted((results / "encoders").glob("*.json")):
        for name, report in json.loads(path.read_text()).items():
            # a task may read another's spaces (speech-text the spoken-words encoders'): any task's folder counts
            folders = cache.space_dir("*", name, "*", report["fingerprint"]).relative_to(cache.root)
            metas = cache.root.glob(f"{folders}/meta.json")
            encode = [json.loads(m.read_text())["space"]["encode_s"] for m in metas]
            roster = name.rsplit("-s", 1)[0] if report.get("seed") is not None else name
            rows.append(
                dict(task=path.stem, encoder=name, roster=roster, fingerprint=report["fingerprint"],
                     train_s=report.get("train_s") or 0.0, encode_s=sum(encode) if encode else float("nan"))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=["task", "encoder", "roster", "fingerprint", "train_s", "encode_s"])


def seconds(v: float) -> str:
    """Seconds as a table shows them; "—" for none (no records, no cached space, or a packaged encoder's
    training)."""
    return "—" if pd.isna(v) or v == 0 else f"{v:,.0f}" if v >= 10 else f"{v:.1f}"


def markdown_tables(records: pd.DataFrame, encoders: pd.DataFrame) -> str:
    """The phases per task (seconds summed over its encoders and cells; an encoder two tasks share counts in
    both, and once in the total) and each task's rosters (seeds, training and encoding seconds per encoder:
    median and range)."""
    once = encoders.drop_duplicates("fingerprint")
    per_task = pd.DataFrame(
        {
            "cells": records.groupby("task").size(),
            "encoders": encoders.groupby("task").size(),
            "train s": encoders.groupby("task")["train_s"].sum(),
            "encode s": encoders.groupby("task")["encode_s"].sum(min_count=1),
            "fit + map s": records.groupby("task")["fit_s"].sum(),
            "score s": records.groupby("task")["score_s"].sum(),
        }
    )
    per_task.loc["**all**"] = per_task.sum(min_count=1)
    per_task.loc["**all**", ["encoders", "train s", "encode s"]] = [
        len(once),
        once["train_s"].sum(),
        once["encode_s"].sum(min_count=1),
    ]
    counts = ("cells", "encoders")
    phases = [[task, *(f"{v:,.0f}" if c in counts and pd.notna(v) else seconds(v) for c, v in row.items())]
              for task, row in per_task.iterrows()]  # fmt: skip
    rosters = []
    for (task, roster), g in encoders.groupby(["task", "roster"]):
        spans = [f"{seconds(g[c].median())} ({seconds(g[c].min())}–{seconds(g[c].max())})" if len(g) > 1
                 else seconds(g[c].iloc[0]) for c in ("train_s", "encode_s")]  # fmt: skip
        rosters.append([task, roster, len(g), *spans])
    heads = ["task", "encoders", "seeds", "train s per encoder", "encode s per encoder"]
    return (
        tabulate(phases, ["task", *per_task.columns], tablefmt="github", disable_numparse=True)
        + "\n\n"
        + tabulate(rosters, heads, tablefmt="github", disable_numparse=True)
        + "\n"
    )


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
    parser.add_argument(
        "--cache", type=Path, help="the cache whose spaces hold the encoding times (default: the suite's)"
    )
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
        encoders = encoder_times(results, SpaceCache(args.cache if args.breakdown_only else cache))
    figures |= breakdown(records, list(encoders["train_s"]))
    if records["task"].nunique() > 1:
        figures["by task"] = {
            task: breakdown(trecords, list(encoders.loc[encoders["task"] == task, "train_s"]))
            for task, trecords in records.groupby("task")
        }
    figures["encoders"] = encoders.to_dict(orient="records")
    (BREAKDOWN_OUT if args.breakdown_only else OUT).write_text(json.dumps(figures, indent=1) + "\n")
    TABLES_OUT.write_text(markdown_tables(records, encoders))
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
