"""Cells — `(task, source encoder, target encoder, method, anchor count, seed)` — and their anchors."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from bench.cache import digest
from bench.errors import NotApplicable


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
        """A deterministic id: a hash of the names, the parameters and the task and method versions."""
        return digest(asdict(self))[:20]

    def label(self) -> str:
        return f"{self.task}: {self.source}→{self.target} {self.method} k={self.anchors} seed={self.seed}"


def draw_anchors(train_ids: np.ndarray, count: int, seed: int) -> np.ndarray:
    """`count` distinct train-split ids drawn uniformly with `seed` (the same ids on both sides)."""
    if count > len(train_ids):
        raise NotApplicable(f"{count} anchors requested but the train split has {len(train_ids)} samples")
    rng = np.random.default_rng(seed)
    return np.sort(train_ids)[rng.choice(len(train_ids), size=count, replace=False)]
