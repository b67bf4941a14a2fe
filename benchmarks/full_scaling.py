"""Time per cell and peak memory against the number of test rows, on a full-size task (real spaces).

The pair: `wordnet-gloss-full`'s bow-s0 → bow-s1 (two bag-of-words encoders trained here on the task's 65,692
train glosses; trained into the cache on first use, as `run` would). For each test size N (1,000, 4,000, 16,000
rows: a random N of the 16,423 test glosses, seed 0, kept in split order and the same on both sides; not the first
N, which follow the split's class order: the first 1,000 are 99 % one supersense) a fresh process with one thread
scores the core methods' cells at 300 anchors, seed 0, exactly as the suite does (fit, map, every protocol of the
task, the own decoder included). It reports each cell's seconds (load, fit + map, score; a projector's score
includes the head it fits in its own space), apart from what a target's or a pair's cells share (the native head,
the test neighbour sets, the own decoder's load and accuracy, the pair's similarity: computed once), and the
process's peak resident memory. The train side (anchors, heads, unpaired samples) is the task's whole train split
at every N.

    python benchmarks/full_scaling.py        # writes benchmarks/full_scaling.json
    python benchmarks/full_scaling.py --task wordnet-gloss --sizes 250,500,1000 --out /tmp/scaling.json
                                             # the same on another task's pair (e.g. to check the script)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

OUT = Path(__file__).with_name("full_scaling.json")
TASK, SOURCE, TARGET = "wordnet-gloss-full", "bow-s0", "bow-s1"
METHODS = ("absolute", "relative", "procrustes", "affine", "linear")
SIZES = (1_000, 4_000, 16_000)
ANCHORS, SEED = 300, 0


def measure(task_name: str, source: str, target: str, rows: int) -> dict:
    """This process scores the cells on `rows` random test samples: seconds per cell and peak memory."""
    import torch

    from bench.cache import SpaceCache, cache_root
    from bench.cells import Cell
    from bench.communicate import Communicator
    from bench.plugins import get_method_class, get_task
    from bench.spaces import Space

    torch.set_num_threads(1)
    task = get_task(task_name)
    communicator = Communicator(SpaceCache(cache_root()))
    full = communicator._spaces

    def subset(name: str, encoder: str) -> dict[str, Space]:
        spaces = dict(full(name, encoder))
        test = spaces["test"]
        if rows > len(test):
            raise SystemExit(f"{name} has {len(test)} test rows, fewer than {rows}")
        keep = np.sort(np.random.default_rng(SEED).permutation(len(test))[:rows])
        spaces["test"] = Space(test.x[keep], test.labels[keep], test.ids[keep], test.meta)
        return spaces

    communicator._spaces = lru_cache(maxsize=8)(subset)
    start = time.perf_counter()
    native = communicator._native(task_name, target)
    native.head(), native.neighbours()  # once per target, shared by its cells: timed apart
    shared = {"native_head_and_neighbours_s": round(time.perf_counter() - start, 2)}
    start = time.perf_counter()
    communicator._decoder_native(task_name, target), communicator._similarity(task_name, source, target)
    shared["own_decoder_and_pair_similarity_s"] = round(time.perf_counter() - start, 2)
    cells = {}
    for name in METHODS:
        method = get_method_class(name)
        anchors = ANCHORS if method.properties.needs_anchors else 0
        cell = Cell(task_name, source, target, name, anchors, SEED, task.version, method.version)
        start = time.perf_counter()
        record = communicator.run(cell)
        if record["status"] != "ok":
            raise SystemExit(f"{name}: {record['status']}: {record.get('error')}")
        cells[name] = {
            "seconds": round(time.perf_counter() - start, 2),
            **{k: round(v, 2) for k, v in record["timings"].items()},
            "stitched_acc": round(record["metrics"]["stitched_acc"], 4),
        }
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"test_rows": rows, **shared, "cells": cells, "peak_resident_gib": round(peak / 2**30, 2)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--task", default=TASK)
    p.add_argument("--source", default=SOURCE)
    p.add_argument("--target", default=TARGET)
    p.add_argument("--sizes", default=",".join(map(str, SIZES)), help="test rows, comma-separated")
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--rows", type=int, help=argparse.SUPPRESS)  # one size, in this process
    args = p.parse_args()
    if args.rows:
        print(json.dumps(measure(args.task, args.source, args.target, args.rows)))
        return
    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}",
        "task": args.task, "pair": f"{args.source} -> {args.target}", "anchors": ANCHORS, "seed": SEED, "sizes": [],
    }  # fmt: skip
    one = [sys.executable, __file__, "--task", args.task, "--source", args.source, "--target", args.target, "--rows"]
    for rows in map(int, args.sizes.split(",")):
        out = subprocess.run([*one, str(rows)], check=True, capture_output=True, text=True).stdout
        figures["sizes"].append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(figures["sizes"][-1]), flush=True)
    args.out.write_text(json.dumps(figures, indent=1) + "\n")


if __name__ == "__main__":
    main()
