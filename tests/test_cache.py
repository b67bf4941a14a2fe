"""Space cache: round trip, memory-mapped reads, corrupt entries detected and dropped; atomic writes."""

from __future__ import annotations

import numpy as np
import pytest

from bench.atomic import write_json
from bench.cache import SpaceCache
from bench.errors import BenchError
from bench.spaces import Space


def space() -> Space:
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    return Space(x, np.array([0, 1, 0, 1]), np.array([10, 11, 12, 13]), {"task": "t", "encoder": "e", "split": "train"})


def test_round_trip_is_memory_mapped(tmp_path) -> None:
    cache = SpaceCache(tmp_path)
    cache.store(space(), "f" * 64)
    loaded = cache.load("t", "e", "train", "f" * 64)
    assert isinstance(loaded.x, np.memmap)
    np.testing.assert_array_equal(loaded.x, space().x)
    np.testing.assert_array_equal(loaded.ids, space().ids)
    assert loaded.meta["fingerprint"] == "f" * 64
    np.testing.assert_array_equal(loaded.rows(np.array([12, 10])), space().x[[2, 0]])
    assert cache.load("t", "e", "train", "0" * 64) is None


def test_corrupt_space_is_detected_and_removed(tmp_path) -> None:
    cache = SpaceCache(tmp_path)
    folder = cache.store(space(), "a" * 64)
    data = (folder / "x.npy").read_bytes()
    (folder / "x.npy").write_bytes(data[:-4] + b"\x00\x00\x80\x7f")  # last value → inf
    assert cache.load("t", "e", "train", "a" * 64) is None
    assert not folder.exists()


def test_truncated_space_is_detected(tmp_path) -> None:
    cache = SpaceCache(tmp_path)
    folder = cache.store(space(), "b" * 64)
    (folder / "labels.npy").write_bytes((folder / "labels.npy").read_bytes()[:20])
    assert cache.load("t", "e", "train", "b" * 64) is None


def test_space_shape_errors_are_clear() -> None:
    with pytest.raises(BenchError, match="4 embeddings but 3 labels"):
        Space(np.zeros((4, 2)), np.zeros(3), np.zeros(4), {})
    with pytest.raises(BenchError, match="must be N × D"):
        Space(np.zeros(4), np.zeros(4), np.zeros(4), {})


def test_atomic_write_leaves_no_temporary_files(tmp_path) -> None:
    write_json(tmp_path / "r.json", {"a": 1})
    write_json(tmp_path / "r.json", {"a": 2})
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
