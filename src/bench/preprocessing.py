"""Shared pre-processing for methods, fitted on anchors and composed.

Each transform is fitted on one space's anchors, maps `forward` and (where it exists) back with `inverse`.
The latent-translation pipeline, for instance, is `Chain(StandardScaling(), ZeroPad(d))` on each side.
"""

from __future__ import annotations

from typing import Self

import torch
from torch import Tensor

EPS = 1e-8


class Transform:
    def fit(self, x: Tensor) -> Self:
        return self

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def inverse(self, x: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no inverse")

    def __call__(self, x: Tensor) -> Tensor:
        return self.forward(x)


class Centering(Transform):
    """x ↦ x − μ, with μ the anchors' mean."""

    def fit(self, x: Tensor) -> Self:
        self.mean = x.mean(dim=0, keepdim=True)
        return self

    def forward(self, x: Tensor) -> Tensor:
        return x - self.mean

    def inverse(self, x: Tensor) -> Tensor:
        return x + self.mean


class StandardScaling(Transform):
    """x ↦ (x − μ) / σ per dimension, with the anchors' mean and standard deviation.

    A dimension constant on the anchors (σ < EPS, e.g. a ReLU unit they never activate) is only centred
    (σ := 1), as scikit-learn's StandardScaler does; dividing by a vanishing σ would blow up any sample
    that does activate it.
    """

    def fit(self, x: Tensor) -> Self:
        self.mean = x.mean(dim=0, keepdim=True)
        std = x.std(dim=0, unbiased=False, keepdim=True)
        self.std = torch.where(std < EPS, torch.ones_like(std), std)
        return self

    def forward(self, x: Tensor) -> Tensor:
        return (x - self.mean) / self.std

    def inverse(self, x: Tensor) -> Tensor:
        return x * self.std + self.mean


class L2Normalization(Transform):
    """x ↦ x / ‖x‖₂ row-wise (no inverse: the norm is lost)."""

    def forward(self, x: Tensor) -> Tensor:
        return torch.nn.functional.normalize(x, p=2, dim=-1, eps=EPS)


class ZeroPad(Transform):
    """Append zero columns up to `dim`; the inverse drops them."""

    def __init__(self, dim: int):
        self.dim = dim

    def fit(self, x: Tensor) -> Self:
        self.original = x.shape[1]
        if self.original > self.dim:
            raise ValueError(f"cannot zero-pad {self.original} dims down to {self.dim}")
        return self

    def forward(self, x: Tensor) -> Tensor:
        return torch.nn.functional.pad(x, (0, self.dim - x.shape[1]))

    def inverse(self, x: Tensor) -> Tensor:
        return x[:, : self.original]


class Chain(Transform):
    """Transforms applied left to right; inverted right to left. `fit` fits each on its predecessor's output."""

    def __init__(self, *steps: Transform):
        self.steps = steps

    def fit(self, x: Tensor) -> Self:
        for step in self.steps:
            x = step.fit(x).forward(x)
        return self

    def forward(self, x: Tensor) -> Tensor:
        for step in self.steps:
            x = step.forward(x)
        return x

    def inverse(self, x: Tensor) -> Tensor:
        for step in reversed(self.steps):
            x = step.inverse(x)
        return x
