"""The device check (`benchmarks/device_check.py`): its records on a device against the CPU's, from the same
cached spaces. On the CPU (both runs on the CPU) every metric agrees exactly; on CUDA, within 1e-3."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from bench.registry import project_home

SCRIPT = project_home() / "benchmarks" / "device_check.py"
MANIFEST = project_home() / "benchmarks" / "ci.toml"


def check(device: str, work: Path) -> dict:
    out = work / "check.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--device", device, "--manifest", str(MANIFEST), "--work", str(work),
         "--out", str(out)],
        capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(out.read_text())


@pytest.mark.slow
def test_the_device_check_runs_end_to_end_on_the_cpu(tmp_path: Path) -> None:
    report = check("cpu", tmp_path)
    comparison = report["comparison"]
    assert comparison["cells_compared"] > 700 and comparison["status_differs"] == 0
    assert max(comparison["max_abs_delta"].values()) == 0.0  # the CPU run is deterministic
    assert all(r["cells_per_s"] > 0 for r in report["runs"])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_records_match_the_cpu_records(tmp_path: Path) -> None:
    comparison = check("cuda", tmp_path)["comparison"]
    assert comparison["cells_compared"] > 700 and comparison["n_beyond_tolerance"] == 0
