"""The latent-space-translation pipeline shared by the orthogonal translators.

Both spaces are standard-scaled with their anchors' statistics and zero-padded to a common dimension;
a map `R` is estimated between the scaled anchors; a source sample is scaled, padded, mapped, then
un-padded and un-scaled with the *target's* statistics (Maiorca, Moschella et al., NeurIPS 2023):

    source(x) = T_y⁻¹( T_x(x) R ),   T = pad ∘ standard-scale (fitted on anchors)
"""

from __future__ import annotations

from typing import Self

import torch
from torch import Tensor

from bench.methods import Method, Properties
from bench.preprocessing import Chain, StandardScaling, ZeroPad


def orthogonal_procrustes(x: Tensor, y: Tensor) -> Tensor:
    """argmin_R ‖x R − y‖_F over orthogonal R: R = U Vᵀ with U Σ Vᵀ = svd(xᵀ y)."""
    u, _, vh = torch.linalg.svd(x.T @ y, full_matrices=False)
    return u @ vh


def nearest_orthogonal(w: Tensor) -> Tensor:
    """The orthogonal matrix closest to w in Frobenius norm: U Vᵀ with U Σ Vᵀ = svd(w)."""
    u, _, vh = torch.linalg.svd(w, full_matrices=False)
    return u @ vh


def least_squares(x: Tensor, y: Tensor) -> Tensor:
    """argmin_W ‖x W − y‖_F (the minimum-norm solution when x has fewer rows than columns)."""
    return torch.linalg.pinv(x) @ y


class ScaledTranslator(Method):
    """A translator in the scaled, zero-padded space; subclasses estimate `R` with `estimate`.

    Whatever `R` is, the standard scaling removes translations and per-dimension rescaling of the source,
    and an orthogonal `R` fitted on permuted dimensions is the permuted `R`.
    """

    family = "translator"
    properties = Properties(
        invariances=frozenset({"translation", "isotropic_scaling", "anisotropic_scaling", "permutation"})
    )
    reference = "Maiorca, Moschella et al., Latent Space Translation via Semantic Alignment, NeurIPS 2023"

    def estimate(self, x: Tensor, y: Tensor) -> Tensor:
        raise NotImplementedError

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        return self.fit_pairs(source_anchors, target_anchors)

    def fit_pairs(self, x: Tensor, y: Tensor) -> Self:
        """Scaling statistics from, and `R` estimated on, parallel samples (x_i ↔ y_i)."""
        self.fit_scaling(x, y)
        self.map = self.estimate(self.tx(x), self.ty(y))
        return self

    def fit_scaling(self, x: Tensor, y: Tensor) -> None:
        """Each side's standard scaling from its own samples, both padded to the larger dimension."""
        dim = max(x.shape[1], y.shape[1])
        self.tx = Chain(StandardScaling(), ZeroPad(dim)).fit(x)
        self.ty = Chain(StandardScaling(), ZeroPad(dim)).fit(y)

    def source(self, x: Tensor) -> Tensor:
        return self.ty.inverse(self.tx(x) @ self.map)


class OrthogonalTranslator(ScaledTranslator):
    """The scaled pipeline with the orthogonal Procrustes map R = UVᵀ, U Σ Vᵀ = svd(X̂ᵀ Ŷ)."""

    def estimate(self, x: Tensor, y: Tensor) -> Tensor:
        return orthogonal_procrustes(x, y)
