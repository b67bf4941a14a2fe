"""Records: one flat JSON file per cell under `<results>/records/<task>/<cell id>.json`, written atomically."""

from __future__ import annotations

import functools
import json
import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from bench.atomic import write_json
from bench.cells import Cell, cell_fields
from bench.registry import project_home


def record_path(results: Path, cell: Cell) -> Path:
    return Path(results) / "records" / cell.task / f"{cell.id}.json"


def write_record(results: Path, record: dict[str, Any]) -> None:
    write_json(Path(results) / "records" / record["task"] / f"{record['id']}.json", record)


def read_record(path: Path) -> dict[str, Any] | None:
    """The record in `path`; None when the file does not hold one (it does not parse — truncated or empty, as a
    partial copy leaves it — or its id is not its file name, or it lacks its cell's fields)."""
    try:
        record = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("id") != Path(path).stem:
        return None
    try:
        cell_fields(record)
    except KeyError:
        return None
    return record


def scan_records(results: Path) -> tuple[list[dict[str, Any]], list[Path]]:
    """Every record under `results`, in a stable order, and the files there that do not hold one."""
    records, unreadable = [], []
    for path in sorted((Path(results) / "records").glob("*/*.json")):
        record = read_record(path)
        if record is None:
            unreadable.append(path)
        else:
            records.append(record)
    return records, unreadable


def read_records(results: Path) -> list[dict[str, Any]]:
    """Every readable record under `results`, in a stable order."""
    return scan_records(results)[0]


@functools.cache
def environment() -> dict[str, Any]:
    """Package versions and git revision, shared by every record of a run."""
    versions = {"python": platform.python_version()}
    for pkg in ("latent-bench", "torch", "numpy", "scikit-learn", "scipy"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    return {"versions": versions, "git_revision": git_revision(), "machine": machine()}


def machine() -> str:
    """The architecture, the CPU's model and the instruction set torch's CPU kernels use, e.g. `x86_64, Intel(R)
    Xeon(R) Processor, AVX512`: trained weights (and so every number) are bit-identical for a seed only between
    machines that agree on the last two."""
    import torch  # here: the command line's listing and help do not import torch

    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo().splitlines() if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    )
    return f"{platform.machine()}, {model}, {torch.backends.cpu.get_cpu_capability()}"


def cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""


#: what a run writes into the checkout itself (results, encoder reports, the report): not a change of the code
OUTPUTS = ("results", "leaderboard.md", "leaderboard.html")


def git_revision() -> str | None:
    """The checkout's commit, `-dirty` when a tracked file other than the run's own outputs (`OUTPUTS`) has
    changed."""

    def git(*args: str) -> str:
        run = subprocess.run(["git", "-C", str(project_home()), *args], capture_output=True, text=True, timeout=10)
        run.check_returncode()
        return run.stdout.strip()

    try:
        commit = git("rev-parse", "--short=12", "HEAD")
        changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", *(f":!{p}" for p in OUTPUTS))
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}-dirty" if changed else commit or None


def timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
