"""The default suite end to end (`run --all`): slow, deselected in CI (`-m "not slow"`)."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.manifest import load_manifest
from bench.registry import project_home
from bench.runner import resolve
from tests.helpers import bench


@pytest.mark.slow
def test_run_all_to_the_end_and_warm_rerun(tmp_path, cache_dir) -> None:
    cells = resolve(load_manifest(project_home() / "benchmarks" / "all.toml"))
    results = tmp_path / "results"
    cold = bench("run", "--all", "--quiet", "--results", str(results), cache=cache_dir, timeout=3600)
    assert f"{len(cells)} cells: 0 already recorded" in cold.stdout
    warm = bench("run", "--all", "--quiet", "--results", str(results), cache=cache_dir)
    assert f"{len(cells)} cells: {len(cells)} already recorded; ran: nothing to do" in warm.stdout
    df = pd.read_csv(results / "results.csv")
    assert len(df) == len(cells) and not (df.status == "failed").any()
    assert (tmp_path / "leaderboard.md").is_file()
