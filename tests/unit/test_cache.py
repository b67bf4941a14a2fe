"""Space cache: round trip, memory-mapped reads, corrupt spaces and checkpoints detected, dropped and rebuilt;
atomic writes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from bench.atomic import write_json
from bench.cache import SpaceCache
from bench.checkpoints import load_checkpoint, save_checkpoint
from bench.embed import Embedder
from bench.errors import BenchError
from bench.plugins import get_task
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


def test_checkpoint_round_trip_and_corruption(tmp_path) -> None:
    state = {"w": torch.arange(6, dtype=torch.float32).reshape(2, 3), "b": torch.ones(3)}
    path = tmp_path / "c.safetensors"
    save_checkpoint(path, state)
    loaded = load_checkpoint(path)
    assert loaded is not None and all(torch.equal(loaded[k], state[k]) for k in state)
    data = path.read_bytes()
    path.write_bytes(data[:-4] + b"\x00\x00\x80\x7f")  # last weight → inf: the digest no longer matches
    assert load_checkpoint(path) is None and not path.exists()
    path.write_bytes(data[: len(data) // 2])  # truncated: safetensors cannot read it
    assert load_checkpoint(path) is None and not path.exists()
    save_file(state, str(path))  # written without a digest: trusted if it loads
    assert load_checkpoint(path) is not None


def test_corrupt_checkpoint_and_space_are_rebuilt_to_the_same_numbers(tmp_path) -> None:
    task = get_task("digits")
    spec = task.encoder("mlp-s0")
    cache = SpaceCache(tmp_path)
    first = np.array(Embedder(cache).spaces(task, spec)["test"].x)
    checkpoint = next((tmp_path / "checkpoints").rglob("*.safetensors"))
    corrupted = checkpoint.read_bytes()[:-8] + bytes(8)
    checkpoint.write_bytes(corrupted)
    for x in (tmp_path / "spaces").rglob("x.npy"):
        x.write_bytes(x.read_bytes()[:-4] + bytes(4))
    again = Embedder(cache).spaces(task, spec)["test"].x
    np.testing.assert_array_equal(again, first)
    assert checkpoint.read_bytes() != corrupted and load_checkpoint(checkpoint) is not None  # trained again
