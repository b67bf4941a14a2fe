"""Relative projections: a sample described by its similarities to the anchors, and their variants.

    r(x) = [sim(x, a_1), …, sim(x, a_k)]

`SIMILARITIES` holds the similarity functions of the product-of-invariances family, each as a function
of (samples N × D, anchors k × D) → N × k; distances enter negated, so larger always means closer.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from bench.preprocessing import EPS, L2Normalization

normalize = L2Normalization()


def cosine(x: Tensor, anchors: Tensor) -> Tensor:
    """cos(x, a) = ⟨x, a⟩ / (‖x‖ ‖a‖): invariant to rotations and rescaling of the space."""
    return normalize(x) @ normalize(anchors).T


def euclidean(x: Tensor, anchors: Tensor) -> Tensor:
    """−‖x − a‖₂: invariant to rotations and translations."""
    return -torch.cdist(x, anchors, p=2)


def l1(x: Tensor, anchors: Tensor) -> Tensor:
    """−‖x − a‖₁: invariant to translations and permutations of the dimensions."""
    return -torch.cdist(x, anchors, p=1)


def linf(x: Tensor, anchors: Tensor) -> Tensor:
    """−‖x − a‖_∞: invariant to translations and permutations of the dimensions."""
    return -torch.cdist(x, anchors, p=float("inf"))


SIMILARITIES: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "cosine": cosine,
    "euclidean": euclidean,
    "l1": l1,
    "linf": linf,
}


def row_standardize(r: Tensor) -> Tensor:
    """Each row to zero mean and unit variance (a layer normalisation without parameters)."""
    centred = r - r.mean(dim=1, keepdim=True)
    return centred / centred.pow(2).mean(dim=1, keepdim=True).sqrt().clamp_min(EPS)


def sparsify(r: Tensor, k: int, power: float) -> Tensor:
    """ASIF's sparse relative representation: keep each row's k largest entries (clamped at 0), raise them
    to `power`, zero the rest, L2-normalise the row."""
    k = min(k, r.shape[1])
    values, idx = r.topk(k, dim=1)
    sparse = torch.zeros_like(r).scatter_(1, idx, values.clamp_min(0) ** power)
    return normalize(sparse)
