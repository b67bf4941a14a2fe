"""`pip install .` with no extras (the environment `make plain-venv` builds, as CI does): the command line lists
the methods and the tasks, names the extras a task needs, and a run of a task that needs none scores its cells."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bench.registry import project_home

PLAIN = project_home() / ".venv-plain" / "bin" / "python"
pytestmark = pytest.mark.skipif(not PLAIN.is_file(), reason="no plain environment here (`make plain-venv` builds it)")


def plain(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")} | {"BENCH_CACHE": str(cache)}
    return subprocess.run([str(PLAIN), "-m", "bench", *args], cwd=project_home(), env=env, capture_output=True,
                          text=True, timeout=600)  # fmt: skip


def test_the_environment_has_no_extras() -> None:
    modules = ("torchaudio", "transformers", "gensim", "timm", "torch_geometric")
    code = f"import importlib.util as u; print([m for m in {modules} if u.find_spec(m)])"
    assert subprocess.run([str(PLAIN), "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_a_plain_install_lists_methods_and_tasks_with_what_they_need(tmp_path) -> None:
    methods = plain("ls", "methods", "--json", cache=tmp_path)
    assert methods.returncode == 0, methods.stderr
    assert {"procrustes", "relative", "lfm"} <= {m["method"] for m in json.loads(methods.stdout)}
    tasks = plain("ls", "tasks", "--json", cache=tmp_path)
    assert tasks.returncode == 0 and "warning" not in tasks.stderr, tasks.stderr
    rows = {t["task"]: t for t in json.loads(tasks.stdout)}
    assert rows["digits"]["available"] == "yes" and rows["digits"]["needs"] == ""
    assert rows["spoken-words"]["available"] == "unavailable"
    assert rows["spoken-words"]["needs"] == "pip install 'latent-bench[audio]'"
    assert rows["speech-text"]["needs"] == "pip install 'latent-bench[audio,text]'"
    assert rows["wordnet-graph"]["available"] == "partly" and "graphs" in rows["wordnet-graph"]["needs"]


def test_a_plain_install_runs_a_task_that_needs_no_extra(tmp_path) -> None:
    args = [
        "run",
        "--manifest",
        "benchmarks/ci.toml",
        "--method",
        "procrustes,relative",
        "--anchors",
        "10",
        "--encoder",
        "mlp-s0,mlp-s1",
        "--results",
        str(tmp_path / "results"),
        "--no-leaderboard",
        "--quiet",
    ]
    proc = plain(*args, "-j", "1", cache=tmp_path / "cache")
    assert proc.returncode == 0, proc.stderr
    assert "8 cells: 0 already recorded; ran: 8 ok" in proc.stdout
