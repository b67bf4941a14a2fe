"""Executors of the communicate phase: cells scored in this process, or in a pool of local processes.

Cells travel as names; a worker process builds its own `Communicator` and reads spaces from the shared
cache. Cells are dispatched in groups sharing (task, target, anchor count, seed), so that a worker fits
each head once. Every worker, and this process, scores with one BLAS/torch thread, so records are the
same bit for bit whatever the number of processes.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import torch
from threadpoolctl import threadpool_limits

from bench.cache import SpaceCache
from bench.cells import Cell
from bench.communicate import Communicator


def groups(cells: list[Cell]) -> list[list[Cell]]:
    """Cells sharing a head's training data (task, target, anchors, seed), in a deterministic order."""
    key = lambda c: (c.task, c.target, c.anchors, c.seed)  # noqa: E731
    ordered = sorted(cells, key=lambda c: (*key(c), c.method, c.source))
    return [list(g) for _, g in itertools.groupby(ordered, key=key)]


def score_serially(communicator: Communicator, cells: list[Cell]) -> Iterator[dict[str, Any]]:
    with single_thread():
        for group in groups(cells):
            for cell in group:
                yield communicator.run(cell)


class single_thread:
    """One torch thread and one BLAS thread inside the block (restored afterwards)."""

    def __enter__(self) -> None:
        self.threads = torch.get_num_threads()
        torch.set_num_threads(1)
        self.limits = threadpool_limits(limits=1)

    def __exit__(self, *exc: object) -> None:
        self.limits.restore_original_limits()
        torch.set_num_threads(self.threads)


_WORKER: Communicator | None = None


def _start_worker(cache_root: str, device: str) -> None:
    global _WORKER
    torch.set_num_threads(1)
    threadpool_limits(limits=1)
    _WORKER = Communicator(SpaceCache(Path(cache_root)), device)


def _score_group(group: list[Cell]) -> list[dict[str, Any]]:
    assert _WORKER is not None
    return [_WORKER.run(cell) for cell in group]


def score_in_processes(cells: list[Cell], jobs: int, cache: SpaceCache, device: str) -> Iterator[dict[str, Any]]:
    """Records as groups finish, from `jobs` fresh (spawned) processes."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, context, initializer=_start_worker, initargs=(str(cache.root), device)) as pool:
        futures = [pool.submit(_score_group, g) for g in groups(cells)]
        for future in as_completed(futures):
            yield from future.result()
