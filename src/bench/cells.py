"""Cells — `(task, source encoder, target encoder, method, anchor count, seed)` — and their anchors."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from bench.cache import digest
from bench.errors import NotApplicable

#: Unpaired train samples given to each side of a method that uses them (at most half the split each).
UNPAIRED = 500

#: Bumped whenever the protocols or metrics change in a way that changes recorded numbers.
PROTOCOLS_VERSION = "2"


@dataclass(frozen=True)
class Cell:
    task: str
    source: str
    target: str
    method: str
    anchors: int
    seed: int
    task_version: str = "1"
    method_version: str = "1"

    @property
    def id(self) -> str:
        """A deterministic id: a hash of the names, the parameters, the task and method versions and the
        version of the scoring protocols (a change to any of them gives new cells, never stale records)."""
        return digest(asdict(self), PROTOCOLS_VERSION)[:20]

    def label(self) -> str:
        return f"{self.task}: {self.source}→{self.target} {self.method} k={self.anchors} seed={self.seed}"


def cell_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The cell's own fields out of a record."""
    return {f.name: record[f.name] for f in fields(Cell)}


def draw_anchors(train_ids: np.ndarray, count: int, seed: int) -> np.ndarray:
    """`count` distinct train-split ids drawn uniformly with `seed` (the same ids on both sides)."""
    if count > len(train_ids):
        raise NotApplicable(f"{count} anchors requested but the train split has {len(train_ids)} samples")
    rng = np.random.default_rng(seed)
    return np.sort(train_ids)[rng.choice(len(train_ids), size=count, replace=False)]


def draw_unpaired(train_ids: np.ndarray, seed: int, size: int = UNPAIRED) -> tuple[np.ndarray, np.ndarray]:
    """Two disjoint sets of train-split ids, one per side, `size` each (at most half the split), in
    independent random orders: no sample is seen by both sides, and no order is shared."""
    ids = np.sort(train_ids)[np.random.default_rng([seed, 1]).permutation(len(train_ids))]
    size = min(size, len(ids) // 2)
    return ids[:size], ids[size : 2 * size]
