"""Running the command line in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.registry import project_home

CI_MANIFEST = project_home() / "benchmarks" / "ci.toml"


def bench(
    *args: str, cache: Path, check: bool = True, timeout: int = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    env = os.environ | {"BENCH_CACHE": str(cache), "HF_HUB_OFFLINE": "1"} | (env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "bench", *args], capture_output=True, text=True, env=env, timeout=timeout
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"bench {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc
