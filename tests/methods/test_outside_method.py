"""A method from another pip-installable package, registered through the `bench.methods` entry point:
built and installed by the test, it passes the generated contract tests, runs in the CI suite and ranks
on the regenerated leaderboard beside the built-in methods."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from bench.records import read_records
from bench.registry import project_home
from tests.helpers import CI_MANIFEST, bench

NAME = "outside-ridge"

PYPROJECT = f"""
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "bench-outside-ridge"
version = "0.1.0"
requires-python = ">=3.11"

[project.entry-points."bench.methods"]
{NAME} = "outside_ridge:OutsideRidge"
"""

MODULE = f'''
"""Ridge translation: W = (XᵀX + λI)⁻¹ XᵀY on the anchors, λ = 1; source(x) = x W."""

import torch

from bench.methods import Method, Properties


class OutsideRidge(Method):
    name = "{NAME}"
    family = "translator"
    properties = Properties(invariances=frozenset({{"orthogonal", "permutation"}}))
    reference = "Hoerl and Kennard, Ridge regression, Technometrics 1970"

    def fit(self, source_anchors, target_anchors, **unpaired):
        x, y = source_anchors, target_anchors
        gram = x.T @ x + torch.eye(x.shape[1], dtype=x.dtype)
        self.w = torch.linalg.solve(gram, x.T @ y)
        return self

    def source(self, x):
        return x @ self.w
'''


def install(tmp_path: Path) -> Path:
    """Build the package from its sources and install it into a folder of its own (not the environment)."""
    src = tmp_path / "outside-ridge"
    src.mkdir()
    (src / "pyproject.toml").write_text(textwrap.dedent(PYPROJECT))
    (src / "outside_ridge.py").write_text(textwrap.dedent(MODULE))
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--no-build-isolation",
         "--target", str(site), str(src)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert list(site.glob("bench_outside_ridge-0.1.0.dist-info/entry_points.txt"))
    return site


def test_installed_method_passes_contract_runs_and_ranks(ci_run, cache_dir, tmp_path) -> None:
    root, _ = ci_run
    site = install(tmp_path)
    env = {"PYTHONPATH": str(site)}

    listed = bench("ls", "methods", cache=cache_dir, env=env).stdout
    assert NAME in listed

    contract = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(project_home() / "tests" / "methods" / "test_methods.py"), "-k", NAME],
        capture_output=True, text=True, env=os.environ | env, timeout=600,
    )  # fmt: skip
    assert contract.returncode == 0, contract.stdout[-3000:]
    assert " passed" in contract.stdout and "failed" not in contract.stdout

    results = tmp_path / "results"
    shutil.copytree(root / "results", results)
    before = len(read_records(results))
    proc = bench("run", "--manifest", str(CI_MANIFEST), "--results", str(results), "--quiet", cache=cache_dir, env=env)
    # ordered pairs of the four CI encoders trained on labels and of the two relative-trained ones (pairs within an
    # architecture), × anchor counts 10 and 300
    new = (4 * 4 + 2 * 2) * 2
    assert f"{before + new} cells: {before} already recorded; ran: {new} ok" in proc.stdout
    mine = [r for r in read_records(results) if r["method"] == NAME]
    assert len(mine) == new and all(r["status"] == "ok" for r in mine)

    board = (tmp_path / "leaderboard.md").read_text()
    ranking = board.split("## Overall ranking")[1].split("\n## ")[0]
    row = next(line for line in ranking.splitlines() if line.startswith(f"| {NAME} "))
    assert "translator" in row and "n/a" not in row
    assert f"heatmap-{NAME}.png" in (results / "tasks" / "digits.md").read_text()
