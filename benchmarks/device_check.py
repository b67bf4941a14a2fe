"""Device check: the same cells scored on an accelerator and on the CPU, from the same cached spaces, compared.

    python benchmarks/device_check.py --device cuda       # writes benchmarks/device_check_cuda.json (≈ 10 min)
    python benchmarks/device_check.py --device cpu --manifest benchmarks/ci.toml --out /tmp/check.json

1. `python -m bench run --manifest M --device D`: trains the encoders on D (cached), embeds, scores every cell.
2. The same cells on the CPU from the same cached spaces and encoders (`--device cpu`, another results folder).
3. Every metric of every cell compared: the largest |Δ| per metric, and the cells beyond `--tolerance` (1e-3).
4. Written as JSON: wall time, the runner's embed / communicate seconds and cells per second of both runs, the
   comparison, the device's name.

Default manifest: `benchmarks/device.toml` (the default suite's image tasks on MLP and CNN encoders, and
fashion-mnist-full). Exit status 1 when a cell differs beyond the tolerance or a run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

import bench
from bench.protocols import directions

HERE = Path(__file__).parent
SUMMARY = re.compile(r"embed ([\d.]+)s, communicate ([\d.]+)s")


def run(manifest: Path, device: str, results: Path, cache: Path) -> dict:
    """One run of the manifest on `device`: wall time, the runner's phase times, cells per second."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "run", "--manifest", str(manifest), "--device", device, "--quiet",
         "--results", str(results), "--cache", str(cache)],
        capture_output=True, text=True,
    )  # fmt: skip
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"the {device} run failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    phases = SUMMARY.search(proc.stdout + proc.stderr)
    embed, communicate = (float(phases.group(1)), float(phases.group(2))) if phases else (None, None)
    cells = len(bench.load_results(results))
    rate = cells / communicate if communicate else None
    return {"device": device, "wall_s": wall, "embed_s": embed, "communicate_s": communicate, "cells": cells,
            "cells_per_s": rate}  # fmt: skip


def compare(device: Path, cpu: Path, tolerance: float) -> dict:
    """Largest |Δ| per metric over the cells both runs scored `ok`, and the cells beyond the tolerance."""
    a, b = bench.load_results(device), bench.load_results(cpu)
    statuses = a.set_index("id")["status"].compare(b.set_index("id")["status"])
    a, b = (df[df["status"] == "ok"].set_index("id").sort_index() for df in (a, b))
    common = a.index.intersection(b.index)
    metrics = [m for m in directions() if m in a and m in b]
    delta = (a.loc[common, metrics] - b.loc[common, metrics]).abs()
    beyond = delta[(delta > tolerance).any(axis=1)]
    return {
        "cells_compared": len(common),
        "status_differs": len(statuses),
        "tolerance": tolerance,
        "max_abs_delta": {m: float(delta[m].max()) for m in metrics if delta[m].notna().any()},
        "cells_beyond_tolerance": [
            {
                "id": i,
                **a.loc[i, ["task", "method", "source", "target", "anchors"]].astype(str).to_dict(),
                "metrics": {m: float(v) for m, v in beyond.loc[i].items() if v > tolerance},
            }
            for i in beyond.index[:50]
        ],
        "n_beyond_tolerance": len(beyond),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--manifest", type=Path, default=HERE / "device.toml")
    parser.add_argument("--tolerance", type=float, default=1e-3)
    parser.add_argument("--work", type=Path, help="folder for the cache and the two results folders (temporary)")
    parser.add_argument("--out", type=Path, help="default: benchmarks/device_check_<device>.json")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="device-check-"))
    cache = work / "cache"
    runs = [run(args.manifest, args.device, work / f"results-{args.device}", cache)]
    runs.append(run(args.manifest, "cpu", work / "results-cpu-check", cache))
    report = {
        "manifest": str(args.manifest),
        "device_name": torch.cuda.get_device_name() if args.device.startswith("cuda") else platform.processor(),
        "cpu_count": len(os.sched_getaffinity(0)),
        "torch": torch.__version__,
        "runs": runs,
        "comparison": compare(work / f"results-{args.device}", work / "results-cpu-check", args.tolerance),
    }
    out = args.out or HERE / f"device_check_{args.device.split(':')[0]}.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    failed = report["comparison"]["n_beyond_tolerance"] or report["comparison"]["status_differs"]
    print(f"wrote {out}: {report['comparison']['cells_compared']} cells compared, "
          f"{report['comparison']['n_beyond_tolerance']} beyond {args.tolerance:g}")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
