"""Shared fixtures: an isolated space cache for the session, offline hub libraries, fresh registries."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory):
    """One space cache for the whole session, so encoders are trained once."""
    path = tmp_path_factory.mktemp("cache")
    os.environ["BENCH_CACHE"] = str(path)
    return path


@pytest.fixture
def fresh_plugins():
    """Rediscover plug-ins (after the test changed the plug-in path) and again after it."""
    from bench.plugins import plugins

    plugins.cache_clear()
    yield plugins
    plugins.cache_clear()


@pytest.fixture(scope="session")
def ci_run(tmp_path_factory, cache_dir):
    """The CI manifest run once through the command line: (its root folder, the finished process)."""
    from tests.helpers import CI_MANIFEST, bench

    root = tmp_path_factory.mktemp("ci")
    proc = bench("run", "--manifest", str(CI_MANIFEST), "--results", str(root / "results"), "--quiet", cache=cache_dir)
    return root, proc


@pytest.fixture
def offline_hub(tmp_path, monkeypatch):
    """An empty Hugging Face cache read offline, and an empty weights folder."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    monkeypatch.setenv("BENCH_WEIGHTS", str(tmp_path / "weights"))
    (tmp_path / "weights").mkdir()
    return tmp_path / "weights"
