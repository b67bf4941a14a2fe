"""What a record says produced it: the code's commit, dirty only when the code itself has changed, and the machine
(whose instruction set decides the rounding of every trained weight)."""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path

import pytest
import torch

from bench.records import environment, git_revision


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout


def test_a_run_s_own_outputs_do_not_make_the_checkout_dirty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in ("src/method.py", "results/encoders/digits.json", "leaderboard.md"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("v1\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
    commit = git(tmp_path, "rev-parse", "--short=12", "HEAD").strip()
    monkeypatch.setenv("BENCH_HOME", str(tmp_path))
    assert git_revision() == commit
    # what a run rewrites: encoder reports, the report, untracked records
    (tmp_path / "results/encoders/digits.json").write_text("v2\n")
    (tmp_path / "leaderboard.md").write_text("v2\n")
    (tmp_path / "results/records").mkdir()
    (tmp_path / "results/records/a.json").write_text("{}\n")
    assert git_revision() == commit
    (tmp_path / "src/method.py").write_text("v2\n")
    assert git_revision() == f"{commit}-dirty"


def test_a_record_names_the_architecture_cpu_and_instruction_set_it_ran_on() -> None:
    arch, *model, instructions = environment()["machine"].split(", ")
    assert arch == platform.machine() and model and all(model)
    assert instructions == torch.backends.cpu.get_cpu_capability()
