"""Executors of the communicate phase: cells scored in this process, in a pool of local processes, or on a
Dask distributed cluster (an existing one at an address, or a `LocalCluster` started for the run).

Cells travel as names; a worker process builds its own `Communicator` and reads spaces from the shared
cache (the embed phase has already built them, once, in the calling process); records come back to the
caller, which writes each atomically. Cells are dispatched in groups sharing (task, target, anchor count,
seed), so that a worker fits each head once. Every worker, and this process, scores with one BLAS/torch
thread, so records are the same bit for bit whatever the number of processes.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import torch
from threadpoolctl import threadpool_limits

from bench.cache import SpaceCache
from bench.cells import Cell
from bench.communicate import Communicator
from bench.errors import BenchError


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


def _start_worker(cache_root: str, device: str, timeout_s: float | None) -> None:
    global _WORKER
    torch.set_num_threads(1)
    threadpool_limits(limits=1)
    _WORKER = Communicator(SpaceCache(Path(cache_root)), device, timeout_s)


def _score_group(group: list[Cell]) -> list[dict[str, Any]]:
    assert _WORKER is not None
    return [_WORKER.run(cell) for cell in group]


def score_in_processes(
    cells: list[Cell], jobs: int, cache: SpaceCache, device: str, timeout_s: float | None = None
) -> Iterator[dict[str, Any]]:
    """Records as groups finish, from `jobs` fresh (spawned) processes. A process that dies (killed, out of
    memory) costs only the cells without a record: the others are yielded first, then a one-line error."""
    context = multiprocessing.get_context("spawn")
    initargs = (str(cache.root), device, timeout_s)
    lost = 0
    with ProcessPoolExecutor(jobs, context, initializer=_start_worker, initargs=initargs) as pool:
        futures = {pool.submit(_score_group, g): len(g) for g in groups(cells)}
        for future in as_completed(futures):
            try:
                yield from future.result()
            except BrokenProcessPool:
                lost += futures[future]
    if lost:
        raise BenchError(f"a scoring process died; {lost} cells have no record: run again to resume them")


_DASK_WORKERS: dict[tuple[str, str, float | None], Communicator] = {}


def _score_group_on_dask(
    group: list[Cell], cache_root: str, device: str, timeout_s: float | None
) -> list[dict[str, Any]]:
    """A group scored on a Dask worker, by one `Communicator` per (cache, device, time limit) kept for the
    worker's life."""
    key = (cache_root, device, timeout_s)
    if key not in _DASK_WORKERS:
        _DASK_WORKERS[key] = Communicator(SpaceCache(Path(cache_root)), device, timeout_s)
    with single_thread():
        return [_DASK_WORKERS[key].run(cell) for cell in group]


def score_on_dask(
    cells: list[Cell], address: str | None, cache: SpaceCache, device: str, timeout_s: float | None = None
) -> Iterator[dict[str, Any]]:
    """Records as groups finish on the Dask cluster at `address` (e.g. `tcp://10.0.0.5:8786`), or on a
    `LocalCluster` of one single-threaded worker process per CPU started for the call and closed after it.
    The scheduler reruns the group of a worker that dies on another worker."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ModuleNotFoundError:
        raise BenchError("the dask executor needs dask.distributed: pip install 'latent-bench[dask]'") from None
    cluster = None if address else LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1)
    try:
        with Client(address or cluster, timeout="30s") as client:
            args = (str(cache.root), device, timeout_s)
            futures = [client.submit(_score_group_on_dask, g, *args, pure=False) for g in groups(cells)]
            for future in as_completed(futures):
                yield from future.result()
    except OSError as e:
        raise BenchError(f"no Dask scheduler at {address}: {e}") from None
    finally:
        if cluster is not None:
            cluster.close()
