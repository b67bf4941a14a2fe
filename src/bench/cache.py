"""Content-addressed cache of spaces and checkpoints.

A space is stored as a folder `<root>/spaces/<task>/<encoder>/<split>-<fingerprint>/` holding `x.npy`,
`labels.npy`, `ids.npy` and `meta.json` (with each file's SHA-256). The folder is assembled under a
temporary name and renamed into place, so a reader never sees half a space; a folder whose checksums do
not match is treated as absent and rebuilt. Reads memory-map `x.npy`. A checkpoint is one safetensors file
`<root>/checkpoints/<task>/<encoder>-<fingerprint>.safetensors` (`bench.checkpoints`). The root is
`$BENCH_CACHE`, or `~/.cache/latent-bench`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.atomic import public
from bench.spaces import Space

ARRAYS = ("x", "labels", "ids")


def cache_root() -> Path:
    return Path(os.environ.get("BENCH_CACHE") or Path.home() / ".cache" / "latent-bench")


def data_folder(variable: str, name: str) -> Path:
    """Where a full run's data set is read: `$<variable>`, or the folder `name` in the cache."""
    return Path(os.environ.get(variable) or cache_root() / name)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def digest(*parts: Any) -> str:
    """A stable hex digest of JSON-serialisable parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


class SpaceCache:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else cache_root()

    def space_dir(self, task: str, encoder: str, split: str, fingerprint: str) -> Path:
        return self.root / "spaces" / task / encoder / f"{split}-{fingerprint[:16]}"

    def checkpoint_path(self, task: str, encoder: str, fingerprint: str) -> Path:
        return self.root / "checkpoints" / task / f"{encoder}-{fingerprint[:16]}.safetensors"

    def has(self, task: str, encoder: str, split: str, fingerprint: str) -> bool:
        return (self.space_dir(task, encoder, split, fingerprint) / "meta.json").is_file()

    def load(self, task: str, encoder: str, split: str, fingerprint: str, verify: bool = True) -> Space | None:
        """The cached space, or None when absent or corrupt (a corrupt folder is removed)."""
        folder = self.space_dir(task, encoder, split, fingerprint)
        meta = load_folder(folder, verify=verify)
        if meta is None:
            return None
        try:
            arrays = {
                a: np.load(folder / f"{a}.npy", mmap_mode="r" if a == "x" else None, allow_pickle=False) for a in ARRAYS
            }
        except (ValueError, OSError):
            shutil.rmtree(folder, ignore_errors=True)
            return None
        return Space(arrays["x"], arrays["labels"], arrays["ids"], meta["space"])

    def store(self, space: Space, fingerprint: str) -> Path:
        m = space.meta
        arrays = {
            "x": np.ascontiguousarray(space.x, dtype=np.float32),
            "labels": np.asarray(space.labels),
            "ids": np.asarray(space.ids, dtype=np.int64),
        }
        return store_folder(
            self.space_dir(m["task"], m["encoder"], m["split"], fingerprint),
            {f"{a}.npy": save_array(arr) for a, arr in arrays.items()},
            {"space": {**m, "fingerprint": fingerprint}},
        )


def save_array(array: np.ndarray) -> Callable[[Path], None]:
    """A writer for `store_folder`: the array as a .npy file (no pickled objects)."""
    return lambda path: np.save(path, array, allow_pickle=False)


def store_folder(folder: Path, files: dict[str, Callable[[Path], None]], meta: dict[str, Any]) -> Path:
    """Write each file with its writer into a temporary sibling folder, add `meta.json` (`meta` plus every
    file's SHA-256 under "sha256"), then rename the folder into place: readers never see half of one."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, write in files.items():
            write(tmp / name)
        checksums = {name: sha256_file(tmp / name) for name in files}
        (tmp / "meta.json").write_text(json.dumps({**meta, "sha256": checksums}, indent=1, sort_keys=True))
        public(tmp, folder=True)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def load_folder(folder: Path, verify: bool = True) -> dict[str, Any] | None:
    """The `meta.json` of a folder written by `store_folder`; None when absent, or when a file is missing or
    its checksum does not match (the corrupt folder is then removed, to be rebuilt)."""
    try:
        meta = json.loads((folder / "meta.json").read_text())
        for name, checksum in meta["sha256"].items():
            if not (folder / name).is_file() or (verify and sha256_file(folder / name) != checksum):
                raise ValueError(f"{name}: missing or checksum mismatch")
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, AttributeError, OSError, json.JSONDecodeError):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return meta
