"""Running the command line in a subprocess, as a user would."""

from __future__ import annotations

import json
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


def tiny_clip_config(folder: Path) -> None:
    """Register a tiny open_clip architecture (`bench-tiny-clip`) from a config written in `folder`."""
    import open_clip

    config = {
        "embed_dim": 32,
        "vision_cfg": {"image_size": 32, "layers": 2, "width": 64, "patch_size": 8, "head_width": 32},
        "text_cfg": {"context_length": 16, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
    }
    (folder / "bench-tiny-clip.json").write_text(json.dumps(config))
    open_clip.add_model_config(folder)
