"""Random transformations of a source space, for the invariance tests (double precision)."""

from __future__ import annotations

import torch
from torch import Tensor


def random_orthogonal(d: int, gen: torch.Generator) -> Tensor:
    q, r = torch.linalg.qr(torch.randn(d, d, generator=gen, dtype=torch.float64))
    return q * torch.sign(torch.diagonal(r))


def transformation(kind: str, d: int, gen: torch.Generator):
    """x ↦ T(x) for one kind of transformation (each a random instance)."""
    if kind == "orthogonal":
        q = random_orthogonal(d, gen)
        return lambda x: x @ q
    if kind == "isotropic_scaling":
        return lambda x: 3.7 * x
    if kind == "translation":
        t = 5 * torch.randn(d, generator=gen, dtype=torch.float64)
        return lambda x: x + t
    if kind == "permutation":
        p = torch.randperm(d, generator=gen)
        return lambda x: x[:, p]
    if kind == "anisotropic_scaling":
        s = torch.rand(d, generator=gen, dtype=torch.float64) * 4 + 0.25
        return lambda x: x * s
    raise ValueError(kind)
