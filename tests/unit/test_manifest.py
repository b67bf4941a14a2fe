"""Manifests: the shipped ones parse; malformed ones give one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.errors import BenchError
from bench.manifest import load_manifest, parse_manifest
from bench.registry import project_home

BASE = {"tasks": ["digits"], "methods": ["*"], "anchors": [10], "seeds": [0]}


@pytest.mark.parametrize("name", ["all", "ci"])
def test_shipped_manifests_parse(name: str) -> None:
    m = load_manifest(project_home() / "benchmarks" / f"{name}.toml")
    assert m.name == name and m.anchors and m.seeds


def test_all_manifest_is_the_documented_default() -> None:
    m = load_manifest(project_home() / "benchmarks" / "all.toml")
    assert m.tasks == ("*",) and m.methods == ("*",)
    assert m.anchors == (10, 300) and m.seeds == (0, 1, 2)
    assert m.grids == (((0, 5, 25, 50, 100), (0,)),) and m.unpaired == ("shared", "disjoint")
    budgets = m.budgets()
    assert (100, 0) in budgets and (100, 1) not in budgets and (300, 2) in budgets and len(budgets) == 11


def test_anchor_count_zero_is_for_anchor_free_methods_only(fresh_plugins) -> None:
    from bench.plugins import get_method_class
    from bench.runner import resolve

    cells = resolve(parse_manifest(BASE | {"anchors": [0, 10]}, "m.toml"))
    for c in cells:
        assert (c.anchors == 0) == (not get_method_class(c.method).properties.needs_anchors)
    assert {c.method for c in cells if c.anchors == 0} >= {"absolute", "gw-procrustes"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "red"}, "unknown key(s) ['colour']"),
        ({"anchors": [-1]}, "'anchors' must be a non-empty list of integers ≥ 0"),
        ({"anchors": "10"}, "'anchors' must be a non-empty list of integers ≥ 0"),
        ({"methods": []}, "'methods' must be a non-empty list of names"),
        ({"task": {"digits": {"pairs": "some"}}}, "pairs must be one of"),
        ({"task": {"digits": {"encoder": ["x"]}}}, "[task.digits] allows only"),
        ({"grid": [{"anchors": [5]}]}, "[[grid]] #1 must have exactly the keys ['anchors', 'seeds']"),
        ({"grid": [{"anchors": [5], "seeds": [-2]}]}, "[[grid]] #1 'seeds' must be a non-empty list"),
    ],
)
def test_malformed_manifest_gives_one_line(change: dict, message: str) -> None:
    with pytest.raises(BenchError) as e:
        parse_manifest(BASE | change, "m.toml")
    assert message in str(e.value) and "\n" not in str(e.value)


def test_missing_key_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(BenchError, match="missing key 'seeds'"):
        parse_manifest({k: v for k, v in BASE.items() if k != "seeds"}, "m.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("tasks = [digits\n")
    with pytest.raises(BenchError, match="is not valid TOML"):
        load_manifest(bad)
    with pytest.raises(BenchError, match="does not exist"):
        load_manifest(tmp_path / "absent.toml")
