"""A method that raises, returns NaN or the wrong shape fails only its own cells; unknown names give a
one-line error with a suggestion."""

from __future__ import annotations

import pytest

from bench.cache import SpaceCache
from bench.manifest import parse_manifest
from bench.records import read_records
from bench.runner import Runner, resolve
from helpers import CI_MANIFEST, bench

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
        (
            ["--method", "procrustse"],
            "error: unknown method 'procrustse'; did you mean 'procrustes', 'gw-procrustes', 'product-sum'?",
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
