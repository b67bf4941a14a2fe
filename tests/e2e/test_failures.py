"""A method that raises, returns NaN or the wrong shape fails only its own cells; unknown names give a
one-line error with a suggestion."""

from __future__ import annotations

import pytest

from bench.cache import SpaceCache
from bench.errors import BenchError
from bench.manifest import parse_manifest
from bench.records import read_records
from bench.runner import Runner, resolve
from tests.helpers import CI_MANIFEST, bench

BROKEN = """
import torch
from bench.methods import Method


class Raises(Method):
    name = "raises"

    def fit(self, source_anchors, target_anchors, **unpaired):
        raise RuntimeError("boom\\nsecond line")


class ReturnsNaN(Method):
    name = "returns-nan"

    def fit(self, source_anchors, target_anchors, **unpaired):
        return self

    def source(self, x):
        return torch.full((x.shape[0], 64), float("nan"), dtype=x.dtype)


class WrongShape(Method):
    name = "wrong-shape"

    def fit(self, source_anchors, target_anchors, **unpaired):
        return self

    def source(self, x):
        return x[:3]
"""


def test_failing_methods_are_recorded_and_the_sweep_completes(tmp_path, monkeypatch, fresh_plugins, cache_dir) -> None:
    plugin_dir = tmp_path / "plugins"
    plugin_dir.mkdir()
    (plugin_dir / "broken_methods.py").write_text(BROKEN)
    monkeypatch.setenv("BENCH_BASELINES_PATH", str(plugin_dir))
    fresh_plugins()
    manifest = parse_manifest(
        {
            "tasks": ["digits"],
            "methods": ["raises", "returns-nan", "wrong-shape", "procrustes"],
            "anchors": [10],
            "seeds": [0],
            "task": {"digits": {"encoders": ["mlp-s0", "mlp-s1"], "pairs": "cross"}},
        },
        "test",
    )
    cells = resolve(manifest)
    summary = Runner(tmp_path / "results", SpaceCache(cache_dir), progress=False).run(cells)
    assert summary.statuses == {"failed": 6, "ok": 2}
    records = {(r["method"], r["source"]): r for r in read_records(tmp_path / "results")}
    assert records["raises", "mlp-s0"]["error"] == "RuntimeError: boom second line"
    assert records["returns-nan", "mlp-s0"]["error"] == (
        "BenchError: method returns-nan.source() returned non-finite values (NaN or inf)"
    )
    assert "returned (3, 64), expected 450 rows" in records["wrong-shape", "mlp-s1"]["error"]
    assert records["procrustes", "mlp-s0"]["status"] == "ok"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--task", "digit"], "error: unknown task 'digit'; did you mean 'digits'?"),
        (["--task", "glyphs"], "error: --task glyphs is not in manifest 'ci': it runs digits"),
        (
            ["--method", "procrustse"],
            "error: unknown method 'procrustse'; did you mean 'procrustes', 'gw-procrustes', 'lst-procrustes'?",
        ),
    ],
)
def test_unknown_names_give_one_line_with_suggestion(args, message, cache_dir, tmp_path) -> None:
    proc = bench("run", "--manifest", str(CI_MANIFEST), "--results", str(tmp_path), *args, cache=cache_dir, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == message
    assert "Traceback" not in proc.stderr + proc.stdout


def test_unknown_encoder_in_manifest(tmp_path, cache_dir) -> None:
    m = tmp_path / "m.toml"
    m.write_text(
        'tasks = ["digits"]\nmethods = ["*"]\nanchors = [10]\nseeds = [0]\n[task.digits]\nencoders = ["mlp-s9"]\n'
    )
    proc = bench("run", "--manifest", str(m), "--results", str(tmp_path), cache=cache_dir, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error: unknown encoder of task 'digits' 'mlp-s9'; did you mean 'mlp-s")


def test_ls_lists_everything(cache_dir) -> None:
    assert "digits" in bench("ls", "tasks", cache=cache_dir).stdout
    out = bench("ls", "methods", cache=cache_dir).stdout
    assert all(m in out for m in ("absolute", "relative", "procrustes", "linear", "affine", "lortho"))
    out = bench("ls", "encoders", cache=cache_dir).stdout
    assert "resnet-s2" in out and "ae-s1" in out


BAD_ENCODERS = """
import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

from bench.encoders import EncoderSpec
from bench.encoders.build import PACKAGED, Builder
from bench.tasks import Split, Task


class Projection(nn.Module):
    def __init__(self, seed, dim, fault):
        super().__init__()
        self.weights = torch.randn(64, dim, generator=torch.Generator().manual_seed(seed))
        self.fault = fault

    def encode(self, x):
        z = x @ self.weights
        if self.fault == "nan":
            z[0, 0] = float("nan")
        return torch.cat([z, z], 1) if self.fault == "wide" else z


def projection(spec, **context):
    return Projection(spec.seed, spec.dim, spec.name)


if "bad-projection" not in PACKAGED:
    PACKAGED.add("bad-projection", Builder(projection), "a test plug-in")


class BadEncoders(Task):
    name = "bad-encoders"
    modality = "images"
    n_classes = 10
    in_default_suite = False
    protocols = ("stitched_classification",)

    def load_split(self, split):
        data = load_digits()
        rows = np.arange(1000) if split == "train" else np.arange(1000, len(data.target))
        return Split(torch.as_tensor(data.data[rows], dtype=torch.float32), data.target[rows], rows)

    def roster(self):
        names = ["a", "b", "nan", "wide"]
        return [EncoderSpec(name, "bad-projection", 16, kind="packaged", seed=seed) for seed, name in enumerate(names)]
"""


def test_encoders_giving_nan_or_the_wrong_dim_fail_only_their_cells(tmp_path, monkeypatch, fresh_plugins) -> None:
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "bad_encoders.py").write_text(BAD_ENCODERS)
    monkeypatch.setenv("BENCH_TASKS_PATH", str(tmp_path / "tasks"))
    fresh_plugins()
    manifest = parse_manifest(
        {"tasks": ["bad-encoders"], "methods": ["procrustes"], "anchors": [20], "seeds": [0],
         "task": {"bad-encoders": {"pairs": "cross"}}},
        "test",
    )  # fmt: skip
    summary = Runner(tmp_path / "results", SpaceCache(tmp_path / "cache"), progress=False).run(resolve(manifest))
    assert summary.statuses == {"ok": 2, "failed": 10}
    errors = {(r["source"], r["target"]): r["error"] for r in read_records(tmp_path / "results")}
    assert errors["a", "b"] is None and errors["b", "a"] is None
    assert errors["a", "nan"] == (
        "encoder could not be built: BenchError: encoder 'nan' on train gave non-finite (NaN or inf) embeddings"
    )
    assert errors["wide", "b"] == (
        "encoder could not be built: BenchError: encoder 'wide' on train gave 32-d embeddings, its spec declares 16"
    )


STALLS = """
import time
from bench.methods import Method


class Stalls(Method):
    name = "stalls"

    def fit(self, source_anchors, target_anchors, **unpaired):
        while True:
            time.sleep(0.01)
"""


def test_a_cell_past_its_time_limit_fails_alone_and_is_retried(tmp_path, monkeypatch, fresh_plugins, cache_dir) -> None:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "stalls.py").write_text(STALLS)
    monkeypatch.setenv("BENCH_BASELINES_PATH", str(tmp_path / "plugins"))
    fresh_plugins()
    manifest = parse_manifest(
        {"tasks": ["digits"], "methods": ["stalls", "procrustes"], "anchors": [10], "seeds": [0],
         "task": {"digits": {"encoders": ["mlp-s0", "mlp-s1"], "pairs": "cross"}}},
        "test",
    )  # fmt: skip
    cells = resolve(manifest)
    runner = Runner(tmp_path / "results", SpaceCache(cache_dir), progress=False, timeout_s=0.5)
    assert runner.run(cells).statuses == {"failed": 2, "ok": 2}
    records = {(r["method"], r["source"]): r for r in read_records(tmp_path / "results")}
    assert records["stalls", "mlp-s0"]["error"] == "timed out after 0.5 s (--timeout)"
    assert records["procrustes", "mlp-s0"]["status"] == "ok"
    assert runner.run(cells).skipped_existing == 4
    again = runner.run(cells, retry_failed=True)
    assert (again.skipped_existing, again.statuses) == (2, {"failed": 2})


DIES = """
import os
import signal
from bench.methods import Method


class Dies(Method):
    name = "dies"

    def fit(self, source_anchors, target_anchors, **unpaired):
        os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_scoring_process_that_dies_costs_only_cells_without_a_record(
    tmp_path, monkeypatch, fresh_plugins, cache_dir
) -> None:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "dies.py").write_text(DIES)
    monkeypatch.setenv("BENCH_BASELINES_PATH", str(tmp_path / "plugins"))
    fresh_plugins()
    grid = {"tasks": ["digits"], "seeds": [0], "task": {"digits": {"encoders": ["mlp-s0", "mlp-s1"], "pairs": "cross"}}}
    cells = resolve(parse_manifest({**grid, "methods": ["procrustes"], "anchors": [10, 25]}, "test"))
    killer = resolve(parse_manifest({**grid, "methods": ["dies"], "anchors": [50]}, "test"))
    runner = Runner(tmp_path / "results", SpaceCache(cache_dir), progress=False)
    died = r"^a scoring process died; \d cells have no record: run again to resume them$"
    with pytest.raises(BenchError, match=died):
        runner.run(killer + cells, jobs=2)
    kept = read_records(tmp_path / "results")
    assert all(r["status"] == "ok" and r["method"] == "procrustes" for r in kept)
    resumed = runner.run(cells, jobs=2)
    assert resumed.skipped_existing == len(kept) and resumed.statuses == {"ok": len(cells) - len(kept)}
