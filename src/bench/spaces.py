"""A space: the embeddings one encoder gives one split of one task."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bench.errors import BenchError


@dataclass(frozen=True)
class Space:
    """`x` is an N × D float32 matrix; `labels` and `ids` have length N; `meta` names its origin."""

    x: np.ndarray
    labels: np.ndarray
    ids: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = "/".join(str(self.meta.get(k, "?")) for k in ("task", "encoder", "split"))
        if self.x.ndim != 2:
            raise BenchError(f"space {where}: embeddings must be N × D, got shape {self.x.shape}")
        if len(self.labels) != len(self.x) or len(self.ids) != len(self.x):
            raise BenchError(
                f"space {where}: {len(self.x)} embeddings but {len(self.labels)} labels and {len(self.ids)} ids"
            )

    @property
    def dim(self) -> int:
        return int(self.x.shape[1])

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """Embeddings of the samples with these ids, in that order."""
        position = {int(i): p for p, i in enumerate(self.ids)}
        try:
            return np.asarray(self.x[[position[int(i)] for i in ids]])
        except KeyError as e:
            raise BenchError(f"sample id {e.args[0]} is not in space {self.meta.get('encoder')}") from None
