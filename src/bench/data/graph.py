"""A node task's graph: what it gives its encoders (`bench.encoders.gnn`)."""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor


@dataclass(frozen=True)
class Graph:
    """Node features (N × F) and undirected edges (2 × E, both ways)."""

    x: Tensor
    edge_index: Tensor
