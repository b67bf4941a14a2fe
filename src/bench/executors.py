"""Executors of the communicate phase: cells scored in this process, in a pool of local processes, or on a
Dask distributed cluster (an existing one at an address, or a `LocalCluster` started for the run).

Cells travel as names; a worker process builds its own `Communicator` and reads spaces from the shared
cache (the embed phase has already built them, once, in the calling process); records come back to the
caller, which writes each atomically. Cells are dispatched in groups sharing (task, target, anchor count,
seed), so that a worker fits each head once. Every worker, and this process, scores with one BLAS/torch
thread, so records are the same bit for bit whatever the number of processes.

Stopping: when the caller stops (Ctrl-C, SIGTERM, an error), the pool's processes are terminated and the
LocalCluster closed before the exception goes on; a pool process whose parent dies (SIGKILL) exits by itself.
A Dask cluster started for the run listens on loopback only, with TLS between its scheduler, workers and client
(certificates made for the run) and no dashboard; an existing cluster is reached with the `Security` of
`--dask-security FILE` or of Dask's own configuration (`distributed.comm.tls`).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import torch
from threadpoolctl import threadpool_limits

from bench import competence
from bench.cache import SpaceCache
from bench.cells import Cell
from bench.communicate import Communicator, one_line
from bench.errors import BenchError, Skipped
from bench.plugins import get_task
from bench.threads import single_thread


def groups(cells: list[Cell]) -> list[list[Cell]]:
    """Cells sharing a head's training data (task, target, anchors, seed), in a deterministic order."""
    key = lambda c: (c.task, c.target, c.anchors, c.seed)  # noqa: E731
    ordered = sorted(cells, key=lambda c: (*key(c), c.method, c.source, c.unpaired))
    return [list(g) for _, g in itertools.groupby(ordered, key=key)]


def score_serially(communicator: Communicator, cells: list[Cell]) -> Iterator[dict[str, Any]]:
    with single_thread():
        for group in groups(cells):
            yield from communicator.run_group(group)


_WORKER: Communicator | None = None


def _start_worker(cache_root: str, device: str, timeout_s: float | None, dtype: str = "float32") -> None:
    global _WORKER
    torch.set_num_threads(1)
    threadpool_limits(limits=1)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _WORKER = Communicator(SpaceCache(Path(cache_root)), device, timeout_s, dtype)


def _exit_with_parent(parent: int, every_s: float = 0.5) -> None:
    """End this worker when the process that started it is gone (killed with SIGKILL: nothing else tells it)."""
    while os.getppid() == parent:
        time.sleep(every_s)
    os._exit(1)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: its queued groups are cancelled and its processes terminated (a running group is lost;
    its cells have no record and are scored on the next run)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=10)


def _score_group(group: list[Cell]) -> list[dict[str, Any]]:
    assert _WORKER is not None
    return list(_WORKER.run_group(group))


def _problem(job: Callable[[], object]) -> tuple[str, str] | None:
    """Run `job`; its problem as (kind, message), None when it went through."""
    try:
        job()
    except Skipped as e:
        return "skipped", str(e)
    except BenchError as e:  # rebuilt as a BenchError in the calling process
        return "failed", " ".join(str(e).split())
    except Exception as e:  # reported as the encoder's problem: its cells fail, the others go on
        return "failed", one_line(e)
    return None


def _build_spaces(task_name: str, encoder: str) -> tuple[str, str] | None:
    """Build one encoder's spaces in a pool process; its problem, if any (`_problem`)."""
    assert _WORKER is not None
    task = get_task(task_name)
    return _problem(lambda: _WORKER.embedder.spaces(task, task.encoder(encoder)))


def _floor(task_name: str, objective: str, dim: int) -> tuple[str, str] | None:
    """A task's competence floor, computed (and cached) in a pool process before its encoders train; its problem
    (e.g. the task's data is absent), if any."""
    assert _WORKER is not None
    return _problem(lambda: competence.floor(get_task(task_name), objective, dim, _WORKER.embedder.cache))


def embed_in_processes(
    encoders: list[tuple[str, str]], floors: list[tuple[str, str, int]], jobs: int, cache: SpaceCache, device: str
) -> dict[tuple[str, str], BaseException]:
    """Build the spaces of (task, encoder) pairs in `jobs` single-threaded processes — the competence floors the
    trainings need first, so that no two processes compute the same one; the encoders that could not be built,
    with their problem."""
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(jobs, context, initializer=_start_worker, initargs=(str(cache.root), device, None))
    broken: dict[tuple[str, str], BaseException] = {}

    def as_error(problem: tuple[str, str]) -> BaseException:
        kind, message = problem
        return Skipped(message) if kind == "skipped" else BenchError(message)

    try:
        floor_jobs = {pool.submit(_floor, *f): f[0] for f in floors}
        unbuildable = {floor_jobs[f]: as_error(p) for f in as_completed(floor_jobs) if (p := f.result()) is not None}
        broken = {item: unbuildable[item[0]] for item in encoders if item[0] in unbuildable}
        futures = {pool.submit(_build_spaces, *item): item for item in encoders if item not in broken}
        for future in as_completed(futures):
            if (problem := future.result()) is not None:
                broken[futures[future]] = as_error(problem)
    except BaseException:
        _terminate(pool)
        raise
    pool.shutdown(wait=True)
    return broken


def settings(communicator: Communicator) -> tuple[str, str, float | None, str]:
    """What a worker needs to build a communicator like `communicator`: cache folder, device, time limit, dtype."""
    return (str(communicator.embedder.cache.root), communicator.device, communicator.timeout_s, communicator.dtype)


def score_in_processes(cells: list[Cell], jobs: int, communicator: Communicator) -> Iterator[dict[str, Any]]:
    """Records as groups finish, from `jobs` fresh (spawned) processes scoring like `communicator`. A process that
    dies (killed, out of memory) costs only the cells without a record: the others are yielded first, then a
    one-line error."""
    context = multiprocessing.get_context("spawn")
    initargs = settings(communicator)
    lost = 0
    pool = ProcessPoolExecutor(jobs, context, initializer=_start_worker, initargs=initargs)
    try:
        futures = {pool.submit(_score_group, g): len(g) for g in groups(cells)}
        for future in as_completed(futures):
            try:
                yield from future.result()
            except BrokenProcessPool:
                lost += futures[future]
    except BaseException:  # stopped (Ctrl-C, SIGTERM) or failed: no process may outlive the run
        _terminate(pool)
        raise
    pool.shutdown(wait=True)
    if lost:
        raise BenchError(f"a scoring process died; {lost} cells have no record: run again to resume them")


_DASK_WORKERS: dict[tuple[str, str, float | None], Communicator] = {}


def _score_group_on_dask(
    group: list[Cell], cache_root: str, device: str, timeout_s: float | None, dtype: str
) -> list[dict[str, Any]]:
    """A group scored on a Dask worker, by one `Communicator` per (cache, device, time limit, dtype) kept for the
    worker's life."""
    key = (cache_root, device, timeout_s, dtype)
    if key not in _DASK_WORKERS:
        _DASK_WORKERS[key] = Communicator(SpaceCache(Path(cache_root)), *key[1:])
    with single_thread():
        return list(_DASK_WORKERS[key].run_group(group))


def dask_security(path: Path | None):
    """The `distributed.Security` to reach a cluster: from a TOML file naming `ca`, `cert` and `key` (PEM files,
    relative to the file's folder; TLS required), or else Dask's own configuration (`distributed.comm.tls`)."""
    from distributed.security import Security

    if path is None:
        return Security()
    try:
        settings = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise BenchError(f"--dask-security {path}: not a readable TOML file ({e})") from None
    if missing := [k for k in ("ca", "cert", "key") if not isinstance(settings.get(k), str)]:
        raise BenchError(f"--dask-security {path}: needs {', '.join(missing)} (paths of PEM files)")
    files = {k: Path(path).parent / settings[k] for k in ("ca", "cert", "key")}
    if absent := [str(f) for f in files.values() if not f.is_file()]:
        raise BenchError(f"--dask-security {path}: {', '.join(absent)} not found")
    return Security(
        tls_ca_file=str(files["ca"]), tls_client_cert=str(files["cert"]), tls_client_key=str(files["key"]),
        require_encryption=True,
    )  # fmt: skip


def local_cluster():
    """A cluster for one run: one single-threaded worker process per CPU, on loopback, no dashboard, and TLS with
    certificates made for it."""
    from distributed import LocalCluster
    from distributed.security import Security

    return LocalCluster(
        n_workers=os.cpu_count() or 1, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}, protocol="tls://", security=Security.temporary(),
    )  # fmt: skip


def score_on_dask(
    cells: list[Cell], address: str | None, communicator: Communicator, security: Path | None = None
) -> Iterator[dict[str, Any]]:
    """Records as groups finish on the Dask cluster at `address` (e.g. `tls://10.0.0.5:8786`, reached with
    `dask_security(security)`), or on a `local_cluster()` started for the call and closed after it. The scheduler
    reruns the group of a worker that dies on another worker."""
    try:
        import dask
        from dask.distributed import Client, as_completed
    except ModuleNotFoundError:
        raise BenchError("the dask executor needs dask.distributed: pip install 'latent-bench[dask]'") from None
    secure = dask_security(security) if address else None
    if address and address.startswith("tls://") and secure.get_connection_args("client").get("ssl_context") is None:
        raise BenchError(
            f"{address} speaks TLS: give its certificates with --dask-security FILE (or Dask's own "
            "distributed.comm.tls configuration)"
        )
    cluster = None if address else local_cluster()
    try:
        timeout = dask.config.get("distributed.comm.timeouts.connect")
        with Client(address or cluster, timeout=timeout, security=secure or cluster.security) as client:
            futures = [
                client.submit(_score_group_on_dask, g, *settings(communicator), pure=False) for g in groups(cells)
            ]
            for future in as_completed(futures):
                yield from future.result()
    except OSError as e:
        raise BenchError(f"no Dask scheduler at {address}: {e}") from None
    finally:
        if cluster is not None:
            cluster.close()
