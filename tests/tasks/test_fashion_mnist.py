"""The Fashion-MNIST task: Debian's IDX files read and checked, a clear message when they are missing, a
fixed stratified subsample of the official splits, and only the CPU-sized variant in the default suite."""

from __future__ import annotations

import gzip
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bench.errors import BenchError
from bench.manifest import Manifest
from bench.plugins import get_task, plugins
from bench.runner import resolve

TASK = plugins().tasks.get("fashion-mnist")
MODULE = sys.modules[TASK.__module__]
HAVE_DATA = (MODULE.folder() / MODULE.FILES["train"][0]).is_file()


def write_idx(path: Path, magic: int, data: np.ndarray) -> None:
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in data.shape)
    path.write_bytes(gzip.compress(header + data.astype(np.uint8).tobytes()))


def test_read_idx_by_hand(tmp_path) -> None:
    images = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    write_idx(tmp_path / "x.gz", 2051, images)
    np.testing.assert_array_equal(MODULE.read_idx(tmp_path / "x.gz", 2051), images)
    write_idx(tmp_path / "y.gz", 2049, np.array([7, 1, 0]))
    np.testing.assert_array_equal(MODULE.read_idx(tmp_path / "y.gz", 2049), [7, 1, 0])
    with pytest.raises(BenchError, match="not an IDX file of this kind"):
        MODULE.read_idx(tmp_path / "y.gz", 2051)
    (tmp_path / "cut.gz").write_bytes(gzip.compress(gzip.decompress((tmp_path / "x.gz").read_bytes())[:-5]))
    with pytest.raises(BenchError, match="truncated"):
        MODULE.read_idx(tmp_path / "cut.gz", 2051)


def test_missing_data_names_the_debian_package(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BENCH_FASHION_MNIST", str(tmp_path))
    MODULE.official.cache_clear()
    try:
        with pytest.raises(BenchError, match="install Debian's dataset-fashion-mnist"):
            get_task("fashion-mnist").load_split("train")
    finally:
        MODULE.official.cache_clear()


def test_default_suite_takes_the_subsample_not_the_full_set() -> None:
    manifest = Manifest(name="x", tasks=("*",), methods=("procrustes",), anchors=(10,), seeds=(0,))
    tasks = {c.task for c in resolve(manifest)}
    assert "fashion-mnist" in tasks and "fashion-mnist-full" not in tasks


@pytest.mark.skipif(not HAVE_DATA, reason="Debian's dataset-fashion-mnist is not installed (`make setup`)")
def test_subsample_is_fixed_stratified_and_from_the_official_splits() -> None:
    task = get_task("fashion-mnist")
    train, test = task.load_split("train"), task.load_split("test")
    assert train.inputs.shape == (6000, 1, 28, 28) and test.inputs.shape == (1000, 1, 28, 28)
    assert float(train.inputs.min()) == 0.0 and float(train.inputs.max()) == 1.0
    assert Counter(train.labels.tolist()) == {c: 600 for c in range(10)}  # the official set is balanced
    assert Counter(test.labels.tolist()) == {c: 100 for c in range(10)}
    assert len(set(train.ids)) == 6000 and train.ids.max() < 60000 and 60000 <= test.ids.min() < test.ids.max() < 70000
    official_x, official_y = MODULE.official("test")
    rows = test.ids - 60000  # test ids follow the 60,000 official train images
    np.testing.assert_array_equal(test.labels, official_y[rows])
    np.testing.assert_array_equal(test.inputs[:, 0].numpy() * 255, official_x[rows])
    np.testing.assert_array_equal(task.load_split("train").ids, train.ids)


def test_roster_has_trained_architectures_and_packaged_pretrained_networks() -> None:
    roster = get_task("fashion-mnist").roster()
    trained = Counter(s.architecture for s in roster if s.kind == "trained" and s.architecture != "mlp-ae")
    assert len(trained) >= 3 and min(trained.values()) >= 3
    packaged = {s.name: s for s in roster if s.kind == "packaged"}
    assert set(packaged) == {"effnet-lite0", "effnet-lite1"}
    assert all(s.dim == 1280 and s.inputs == {"resolution": 112} for s in packaged.values())
