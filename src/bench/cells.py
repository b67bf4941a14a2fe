"""Cells — `(task, source encoder, target encoder, method, anchor count, seed[, unpaired setting])` — and the
samples they give a method: anchors, and unpaired samples for the methods that use them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from bench.cache import digest
from bench.errors import NotApplicable

#: Unpaired train samples given to each side of a method that uses them (at most half the split each).
UNPAIRED = 500

#: Bumped whenever the protocols or metrics change in a way that changes recorded numbers.
PROTOCOLS_VERSION = "3"

#: How unpaired samples are drawn for the methods that use them (a cell parameter): `shared`, the same train
#: samples on both sides with the correspondence hidden (each side independently shuffled) — the setting of the
#: functional-maps and bootstrapping papers; `disjoint`, two disjoint halves of the train split, so that no
#: sample has a partner on the other side — the strict setting.
UNPAIRED_SETTINGS = ("shared", "disjoint")


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
    #: the unpaired setting (UNPAIRED_SETTINGS) of a method that uses unpaired samples; "" for the others
    unpaired: str = ""

    @property
    def id(self) -> str:
        """A deterministic id: a hash of the names, the parameters, the task and method versions and the
        version of the scoring protocols (a change to any of them gives new cells, never stale records)."""
        return digest(asdict(self), PROTOCOLS_VERSION)[:20]

    def label(self) -> str:
        setting = f" unpaired={self.unpaired}" if self.unpaired else ""
        return f"{self.task}: {self.source}→{self.target} {self.method} k={self.anchors} seed={self.seed}{setting}"


def cell_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The cell's own fields out of a record (`unpaired` may be absent: "")."""
    return {f.name: record[f.name] if f.name != "unpaired" else record.get("unpaired", "") for f in fields(Cell)}


def draw_anchors(train_ids: np.ndarray, count: int, seed: int) -> np.ndarray:
    """`count` distinct train-split ids drawn uniformly with `seed` (the same ids on both sides)."""
    if count > len(train_ids):
        raise NotApplicable(f"{count} anchors requested but the train split has {len(train_ids)} samples")
    rng = np.random.default_rng(seed)
    return np.sort(train_ids)[rng.choice(len(train_ids), size=count, replace=False)]


def draw_unpaired(
    train_ids: np.ndarray, seed: int, setting: str = "disjoint", size: int = UNPAIRED
) -> tuple[np.ndarray, np.ndarray]:
    """Train-split ids for each side, `size` each, in independent random orders. `disjoint`: two disjoint sets
    (at most half the split each), so no sample is seen by both sides; `shared`: the same `size` samples on both
    sides, each side in its own order, so a true partner exists but is not given."""
    if setting not in UNPAIRED_SETTINGS:
        raise NotApplicable(f"unknown unpaired setting {setting!r}; known: {', '.join(UNPAIRED_SETTINGS)}")
    ids = np.sort(train_ids)[np.random.default_rng([seed, 1]).permutation(len(train_ids))]
    if setting == "disjoint":
        size = min(size, len(ids) // 2)
        return ids[:size], ids[size : 2 * size]
    chosen = ids[: min(size, len(ids))]
    return chosen, chosen[np.random.default_rng([seed, 2]).permutation(len(chosen))]
