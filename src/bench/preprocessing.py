"""Shared pre-processing for methods, fitted on anchors and composed.

Each transform is fitted on one space's anchors, maps `forward` and (where it exists) back with `inverse`.
The latent-translation pipeline, for instance, is `Chain(StandardScaling(), ZeroPad(d))` on each side.
"""

from __future__ import annotations

from typing import Self

import torch
from torch import Tensor

EPS = 1e-8
#: in `StandardScaling`, a dimension whose spread on the anchors is below this share of the median dimension's
#: counts as constant there
SPREAD_FLOOR = 1e-2


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

    A dimension (nearly) constant on the anchors — σ below SPREAD_FLOOR × the median dimension's σ, e.g. a ReLU
    unit that no anchor or only one anchor activates, weakly — is centred and divided by the median σ instead:
    dividing by its vanishing σ would blow up every sample that does activate it, by a factor no guard on σ
    alone bounds (a unit active on one of 300 anchors at 0.1 has σ ≈ 0.006: a test activation of 1 becomes
    ~170 standard units and dominates the sample's norm). scikit-learn's StandardScaler (and the latent-translation
    reference code) guard only exactly constant dimensions (σ := 1, a unit-dependent choice); this rule is the same
    in any unit, since the median σ scales with the space.
    """

    def fit(self, x: Tensor) -> Self:
        self.mean = x.mean(dim=0, keepdim=True)
        std = x.std(dim=0, unbiased=False, keepdim=True)
        typical = std.median()
        if typical <= EPS:  # most dimensions constant: the spread of those that are not
            typical = std.max() if std.max() > EPS else torch.ones_like(typical)
        near_constant = std < torch.clamp(SPREAD_FLOOR * typical, min=EPS)
        self.std = torch.where(near_constant, typical, std)
        return self

    def forward(self, x: Tensor) -> Tensor:
        return (x - self.mean) / self.std

    def inverse(self, x: Tensor) -> Tensor:
        return x * self.std + self.mean


class IsotropicScaling(Transform):
    """x ↦ (x − μ) / s, with μ the anchors' mean and s their root-mean-square distance to it (one scale for all
    dimensions, so rotations of the space commute with it)."""

    def fit(self, x: Tensor) -> Self:
        self.mean = x.mean(dim=0, keepdim=True)
        self.scale = (x - self.mean).pow(2).sum(dim=1).mean().sqrt().clamp_min(EPS)
        return self

    def forward(self, x: Tensor) -> Tensor:
        return (x - self.mean) / self.scale

    def inverse(self, x: Tensor) -> Tensor:
        return x * self.scale + self.mean


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
