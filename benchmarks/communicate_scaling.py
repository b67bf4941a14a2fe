"""The communicate phase's overhead and scaling, on the CI manifest's cells (real digits spaces).

1. Overhead: cells per second of `Communicator.run_group` (every protocol of the task, records, checks) against a
   bare loop that, on the same cached arrays, only draws the anchors, fits the method, maps the source test
   samples and predicts them with the target's native head (fitted once per target) — the stitched accuracy and
   nothing else. Translator cells (a projector needs a head per cell in its own space). Both in this process with
   one thread; ratio = the suite's seconds ÷ the bare loop's.
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

import torch

from bench.cache import SpaceCache, cache_root
from bench.cells import draw_anchors, draw_unpaired
from bench.communicate import Communicator
from bench.executors import groups, single_thread
from bench.heads import Head, fit_head
from bench.manifest import load_manifest
from bench.metrics import accuracy
from bench.plugins import get_method_class, get_task
from bench.runner import Filters, resolve

OUT = Path(__file__).with_name("communicate_scaling.json")
MANIFEST = Path(__file__).with_name("ci.toml")


def bare(communicator: Communicator, cell, heads: dict[tuple[str, str], Head]) -> float:
    """The cell's stitched accuracy without the suite around it: anchors, fit, map, the native head."""
    src, tgt = communicator._spaces(cell.task, cell.source), communicator._spaces(cell.task, cell.target)
    tensor = lambda space, ids=None: torch.as_tensor(space.x if ids is None else space.rows(ids))  # noqa: E731
    key = (cell.task, cell.target)
    if key not in heads:
        heads[key] = fit_head(tensor(tgt["train"]), torch.as_tensor(tgt["train"].labels), get_task(cell.task).n_classes)
    method_cls = get_method_class(cell.method)
    unpaired = {}
    if method_cls.properties.unpaired:
        source_ids, target_ids = draw_unpaired(src["train"].ids, cell.seed, cell.unpaired)
        unpaired = {"source": tensor(src["train"], source_ids), "target": tensor(tgt["train"], target_ids)}
    torch.manual_seed(cell.seed)
    method = method_cls()
    if method_cls.properties.needs_anchors:
        ids = draw_anchors(src["train"].ids, cell.anchors, cell.seed)
        method.fit(tensor(src["train"], ids), tensor(tgt["train"], ids), **unpaired)
    else:
        method.fit(tensor(src["train"])[:0], tensor(tgt["train"])[:0], **unpaired)
    predicted = heads[key].predict(method.source(tensor(src["test"])))
    return accuracy(torch.as_tensor(src["test"].labels), predicted)


def applies(cell) -> bool:
    """Whether the cell is a translator's that can map its pair (not `not_applicable`)."""
    task, method_cls = get_task(cell.task), get_method_class(cell.method)
    same = task.encoder(cell.source).dim == task.encoder(cell.target).dim
    return method_cls.family == "translator" and (same or method_cls.properties.different_dims)


def overhead(cells) -> dict:
    chosen = [g for g in (list(filter(applies, g)) for g in groups(cells)) if g]
    warm = Communicator(SpaceCache(cache_root()))
    for group in chosen[:3]:  # warm the space caches and imports for both loops
        list(warm.run_group(group))
    times = {}
    with single_thread():
        start = time.perf_counter()
        suite = Communicator(SpaceCache(cache_root()))  # no native head fitted yet, like the bare loop
        for group in chosen:
            list(suite.run_group(group))
        times["suite"] = time.perf_counter() - start
        start, heads = time.perf_counter(), {}
        for group in chosen:
            for c in group:
                bare(warm, c, heads)
        times["bare"] = time.perf_counter() - start
    n = sum(map(len, chosen))
    return {
        "cells": n,
        "suite_cells_per_s": round(n / times["suite"], 2),
        "bare_cells_per_s": round(n / times["bare"], 2),
        "overhead_ratio": round(times["suite"] / times["bare"], 3),
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
