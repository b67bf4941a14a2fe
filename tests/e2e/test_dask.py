"""The Dask executor, secured: a real scheduler and two workers on 127.0.0.1 (subprocesses) that speak only TLS,
with certificates the test makes, score cells of the CI manifest reached with `--dask-security`, and the records'
metrics equal those of the local run; a client without the certificates, or an unreachable scheduler, is a
one-line error. The LocalCluster a run starts for itself listens on loopback only, over TLS, with no dashboard."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import CI_MANIFEST, bench, tls_files

pytest.importorskip("distributed")
#: methods of each family (translator, projector, one that uses unpaired samples), at every anchor count
SUBSET = ["--method", "absolute,procrustes,relative,anchor-bootstrapping"]
QUICK = {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "5s"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def metrics(results: Path) -> dict[str, tuple[str, dict]]:
    records = (json.loads(p.read_text()) for p in (results / "records").glob("*/*.json"))
    return {r["id"]: (r["status"], r["metrics"]) for r in records}


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tls")
    files = tls_files(folder)
    security = folder / "security.toml"
    security.write_text('ca = "ca.pem"\ncert = "cert.pem"\nkey = "key.pem"\n')
    return {**files, "security": security}


@pytest.fixture
def tls_cluster(cache_dir, tls):
    """`dask scheduler` and two single-threaded `dask worker`s on loopback, TLS only; yields the address."""
    address = f"tls://127.0.0.1:{free_port()}"
    certs = ["--tls-ca-file", str(tls["ca"]), "--tls-cert", str(tls["cert"]), "--tls-key", str(tls["key"])]
    env = os.environ | {"BENCH_CACHE": str(cache_dir)}
    quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--no-dashboard",
                 "--port", address.rsplit(":", 1)[1], "--protocol", "tls", *certs]  # fmt: skip
    procs = [subprocess.Popen(scheduler, **quiet)]
    time.sleep(2)
    worker = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-dashboard",
              "--host", "127.0.0.1", *certs]  # fmt: skip
    procs += [subprocess.Popen(worker, **quiet) for _ in (1, 2)]
    try:
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def test_a_tls_cluster_gives_the_records_of_the_local_run(ci_run, tls_cluster, tls, cache_dir, tmp_path) -> None:
    root, _ = ci_run
    results = tmp_path / "results"
    common = ["run", "--manifest", str(CI_MANIFEST), *SUBSET, "--executor", "dask", "--address", tls_cluster,
              "--results", str(results), "--no-leaderboard", "--quiet"]  # fmt: skip
    refused = bench(*common, cache=cache_dir, check=False, env=QUICK)  # no certificates: the scheduler refuses
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert refused.stderr.startswith(f"error: {tls_cluster} speaks TLS: give its certificates with --dask-security")
    proc = bench(*common, "--dask-security", str(tls["security"]), cache=cache_dir)
    local, remote = metrics(root / "results"), metrics(results)
    assert len(remote) > 100 and remote == {i: local[i] for i in remote}, proc.stdout


def test_an_unreachable_scheduler_is_one_line(cache_dir, tmp_path, tls) -> None:
    proc = bench(
        "run", "--manifest", str(CI_MANIFEST), "--method", "procrustes", "--anchors", "10", "--executor", "dask",
        "--address", f"tls://127.0.0.1:{free_port()}", "--dask-security", str(tls["security"]),
        "--results", str(tmp_path / "r"), "--quiet", cache=cache_dir, check=False, env=QUICK,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "no Dask scheduler at tls://127.0.0.1:" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_security_files_are_one_line(cache_dir, tmp_path) -> None:
    (tmp_path / "s.toml").write_text('ca = "nowhere.pem"\n')
    proc = bench(
        "run", "--manifest", str(CI_MANIFEST), "--executor", "dask", "--address", "tls://127.0.0.1:1",
        "--dask-security", str(tmp_path / "s.toml"), "--results", str(tmp_path / "r"), cache=cache_dir, check=False,
    )  # fmt: skip
    assert (
        proc.returncode == 2
        and proc.stderr.strip() == f"error: --dask-security {tmp_path / 's.toml'}: needs cert, key (paths of PEM files)"
    )


def test_the_run_s_own_cluster_listens_on_loopback_over_tls() -> None:
    import psutil
    from distributed import Client

    from bench.executors import local_cluster

    cluster = local_cluster()
    try:
        assert cluster.scheduler_address.startswith("tls://127.0.0.1:")
        with Client(cluster, security=cluster.security) as client:
            assert client.submit(sum, [1, 2]).result() == 3
            workers = list(client.run(os.getpid).values())
        here = psutil.Process()
        assert set(workers) <= {p.pid for p in here.children(recursive=True)}
        listening = [
            c.laddr
            for process in [here, *here.children(recursive=True)]
            for c in process.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN
        ]
        assert listening and all(addr.ip == "127.0.0.1" for addr in listening), listening
        assert not any(addr.port == 8787 for addr in listening)  # no dashboard
    finally:
        cluster.close()
