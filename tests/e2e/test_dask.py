"""The Dask executor: a real scheduler and two workers on 127.0.0.1 (subprocesses) score the CI manifest, and
the records' metrics equal those of the local run; the cluster is shut down afterwards."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import CI_MANIFEST, bench

pytest.importorskip("distributed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def metrics(results: Path) -> dict[str, tuple[str, dict]]:
    records = (json.loads(p.read_text()) for p in (results / "records").glob("*/*.json"))
    return {r["id"]: (r["status"], r["metrics"]) for r in records}


@pytest.fixture
def dask_cluster(cache_dir):
    """`dask scheduler` and two single-threaded `dask worker`s on loopback; yields the scheduler's address."""
    address = f"tcp://127.0.0.1:{free_port()}"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    env = os.environ | {"BENCH_CACHE": str(cache_dir)}
    quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    port = address.rsplit(":", 1)[1]
    procs = [subprocess.Popen([*dask, "--host", "127.0.0.1", "--port", port, "--no-dashboard"], **quiet)]
    time.sleep(2)
    worker = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-dashboard"]
    procs += [subprocess.Popen(worker, **quiet) for _ in (1, 2)]
    try:
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def test_dask_cluster_gives_the_records_of_the_local_run(ci_run, dask_cluster, cache_dir, tmp_path) -> None:
    root, _ = ci_run
    proc = bench(
        "run", "--manifest", str(CI_MANIFEST), "--executor", "dask", "--address", dask_cluster,
        "--results", str(tmp_path / "results"), "--no-leaderboard", "--quiet", cache=cache_dir,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    local, remote = metrics(root / "results"), metrics(tmp_path / "results")
    assert len(remote) == len(local) > 100
    assert remote == local


def test_an_unreachable_scheduler_is_one_line(cache_dir, tmp_path) -> None:
    proc = bench(
        "run", "--manifest", str(CI_MANIFEST), "--method", "procrustes", "--anchors", "10", "--executor", "dask",
        "--address", f"tcp://127.0.0.1:{free_port()}", "--results", str(tmp_path / "r"), "--quiet",
        cache=cache_dir, check=False,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "no Dask scheduler at tcp://127.0.0.1:" in proc.stderr and "Traceback" not in proc.stderr
