"""Relative projections: a sample described by its similarities to the anchors, and their variants.

    r(x) = [sim(x, a_1), …, sim(x, a_k)]

`SIMILARITIES` holds the similarity functions of the product-of-invariances family, each as a function
of (samples N × D, anchors k × D) → N × k; distances enter negated, so larger always means closer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

import torch
from torch import Tensor

from bench.methods import Method
from bench.preprocessing import EPS, Centering, L2Normalization

normalize = L2Normalization()


def cosine(x: Tensor, anchors: Tensor) -> Tensor:
    """cos(x, a) = ⟨x, a⟩ / (‖x‖ ‖a‖): invariant to rotations and rescaling of the space."""
    return normalize(x) @ normalize(anchors).T


def centred_cosine(x: Tensor, anchors: Tensor) -> Tensor:
    """cos(x − μ, a − μ), μ the anchors' mean: invariant to rotations, rescaling and translations."""
    centre = Centering().fit(anchors)
    return cosine(centre(x), centre(anchors))


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


class AnchorProjector(Method):
    """A projector that describes each side by `project(samples, that side's anchors)` (so its target side
    depends on the target's anchors only: `shared_target`)."""

    family = "projector"
    shared_target = True

    def project(self, x: Tensor, anchors: Tensor) -> Tensor:
        raise NotImplementedError

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        self.source_anchors, self.target_anchors = source_anchors, target_anchors
        return self

    def source(self, x: Tensor) -> Tensor:
        return self.project(x, self.source_anchors)

    def target(self, y: Tensor) -> Tensor:
        return self.project(y, self.target_anchors)
