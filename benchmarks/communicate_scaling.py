"""The communicate phase's overhead and scaling, on the CI manifest's cells (real digits spaces).

1. Overhead: cells per second of `Communicator.run` (records, checks, caches) against a minimal loop that, on
   the same cached arrays, only draws the anchors, fits the method, maps, and scores with the protocol functions
   (the head fitted once per target, as the suite does). Both in this process with one thread; ratio = minimal
   loop's cells/s ÷ the suite's (target ≤ 1.10).
2. Scaling: the CI manifest's communicate phase (`--force`, records to a temporary folder) with one process,
   two processes (`-j 2`) and a two-worker Dask `LocalCluster` (`--executor dask`), wall times and speed-ups.

    python benchmarks/communicate_scaling.py        # writes benchmarks/communicate_scaling.json
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from bench import protocols
from bench.cache import SpaceCache, cache_root
from bench.cells import draw_anchors, draw_unpaired
from bench.communicate import Communicator
from bench.executors import groups, single_thread
from bench.manifest import load_manifest
from bench.plugins import get_method_class, get_task
from bench.runner import Filters, resolve

OUT = Path(__file__).with_name("communicate_scaling.json")
MANIFEST = Path(__file__).with_name("ci.toml")


def minimal(communicator: Communicator, cell) -> None:
    """The cell's work without the suite around it: anchors, fit, map, the protocols' metrics."""
    task = get_task(cell.task)
    src, tgt = communicator._spaces(cell.task, cell.source), communicator._spaces(cell.task, cell.target)
    ids = draw_anchors(src["train"].ids, cell.anchors, cell.seed)
    method_cls = get_method_class(cell.method)
    unpaired = {}
    if method_cls.properties.unpaired:
        source_ids, target_ids = draw_unpaired(src["train"].ids, cell.seed)
        unpaired = {"source": torch.as_tensor(src["train"].rows(source_ids)),
                    "target": torch.as_tensor(tgt["train"].rows(target_ids))}  # fmt: skip
    torch.manual_seed(cell.seed)
    method = method_cls()
    method.fit(torch.as_tensor(src["train"].rows(ids)), torch.as_tensor(tgt["train"].rows(ids)), **unpaired)
    as_array = lambda t: t.double().numpy()  # noqa: E731
    mapped = protocols.Mapped(
        as_array(method.target(torch.from_numpy(np.array(tgt["train"].x)))),
        tgt["train"].labels,
        as_array(method.target(torch.from_numpy(np.array(tgt["test"].x)))),
        as_array(method.source(torch.from_numpy(np.array(src["test"].x)))),
        tgt["test"].labels,
    )
    protocols.stitched_classification(mapped)
    protocols.translation_fidelity(mapped)
    if "similarity" in task.protocols:
        protocols.similarity(np.asarray(src["test"].x), np.asarray(tgt["test"].x))


def applies(cell) -> bool:
    """Whether the cell's method can map its pair (not `not_applicable`)."""
    task = get_task(cell.task)
    same = task.encoder(cell.source).dim == task.encoder(cell.target).dim
    return same or get_method_class(cell.method).properties.different_dims


def overhead(cells) -> dict:
    communicator = Communicator(SpaceCache(cache_root()))
    ordered = [c for g in groups(cells) for c in g if applies(c)]
    for c in ordered[:20]:  # warm the space caches and imports for both loops
        communicator.run(c)
    times = {}
    with single_thread():
        for name, step in (("suite", communicator.run), ("minimal", lambda c: minimal(communicator, c))):
            protocols.HEADS._values.clear(), protocols.NEIGHBOURS._values.clear()
            start = time.perf_counter()
            for c in ordered:
                step(c)
            times[name] = time.perf_counter() - start
    return {
        "cells": len(ordered),
        "suite_cells_per_s": round(len(ordered) / times["suite"], 2),
        "minimal_cells_per_s": round(len(ordered) / times["minimal"], 2),
        "overhead_ratio": round(times["suite"] / times["minimal"], 3),
    }


def communicate_seconds(*args: str) -> float:
    """The communicate phase's seconds, as the run reports them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-m", "bench", "run", "--manifest", str(MANIFEST), "--force", "--no-leaderboard",
             "--quiet", "--results", tmp, *args],
            check=True, capture_output=True, text=True, env=os.environ | {"HF_HUB_OFFLINE": "1"},
        ).stdout  # fmt: skip
    return float(re.search(r"communicate ([0-9.]+)s", out).group(1))


def main() -> None:
    cells = resolve(load_manifest(MANIFEST), Filters(None, None, None, None, None))
    figures = {"machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}"}
    figures["overhead"] = overhead(cells)
    one = communicate_seconds("-j", "1")
    two = communicate_seconds("-j", "2")
    dask = communicate_seconds("--executor", "dask")
    figures["scaling"] = {
        "cells": len(cells),
        "one_process_s": round(one, 1),
        "two_processes_s": round(two, 1),
        "dask_local_cluster_s": round(dask, 1),
        "speedup_two_processes": round(one / two, 2),
        "speedup_dask": round(one / dask, 2),
    }
    OUT.write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
