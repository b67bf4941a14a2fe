"""Registries: lazy entries, duplicates rejected, unknown names answered with a suggestion, broken
plug-ins reported and skipped; plug-ins found by path."""

from __future__ import annotations

import pytest

from bench.errors import BenchError, UnknownName
from bench.registry import Registry


def test_unknown_name_suggests_close_match() -> None:
    reg: Registry[int] = Registry("method")
    reg.add("procrustes", 1, "here")
    reg.add("relative", 2, "here")
    with pytest.raises(UnknownName) as e:
        reg.get("procrustse")
    assert str(e.value) == "unknown method 'procrustse'; did you mean 'procrustes'?"
    assert "\n" not in str(e.value)
    with pytest.raises(UnknownName, match="known: procrustes, relative"):
        reg.get("zzz")


def test_duplicate_names_are_rejected() -> None:
    reg: Registry[int] = Registry("task")
    reg.add("digits", 1, "a.py")
    with pytest.raises(BenchError, match=r"duplicate task name .digits.: defined in a\.py and b\.py"):
        reg.add("digits", 2, "b.py")


def test_lazy_entries_load_once_and_only_when_used() -> None:
    calls = []
    reg: Registry[str] = Registry("method")
    reg.add("m", lambda: calls.append(1) or "value", "ep", lazy=True)
    assert "m" in reg and calls == []
    assert reg.get("m") == "value" and reg.get("m") == "value"
    assert calls == [1]


def test_builtin_plugins_are_discovered() -> None:
    from bench.plugins import plugins

    p = plugins()
    assert {"absolute", "relative", "procrustes", "linear", "affine", "lortho"} <= set(p.methods.names())
    assert "digits" in p.tasks
    assert p.errors == []


def test_broken_and_duplicate_plugins_are_reported_not_fatal(tmp_path, monkeypatch, fresh_plugins) -> None:
    (tmp_path / "broken.py").write_text("import not_a_module_anywhere\n")
    (tmp_path / "dup.py").write_text("from bench.methods import Method\nclass Again(Method):\n    name = 'relative'\n")
    monkeypatch.setenv("BENCH_BASELINES_PATH", str(tmp_path))
    p = fresh_plugins()
    assert any("broken.py: failed to import (ModuleNotFoundError" in e for e in p.errors)
    assert any("duplicate method name 'relative'" in e for e in p.errors)
    assert "procrustes" in p.methods
