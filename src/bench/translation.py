"""The latent-space-translation pipeline shared by the orthogonal translators.

Both spaces are standard-scaled with their anchors' statistics and zero-padded to a common dimension;
a map `R` is estimated between the scaled anchors; a source sample is scaled, padded, mapped, then
un-padded and un-scaled with the *target's* statistics (Maiorca, Moschella et al., NeurIPS 2023):

    source(x) = T_y⁻¹( T_x(x) R ),   T = pad ∘ standard-scale (fitted on anchors)

**Determinate maps.** Anchors fix a map only on the directions they span: with fewer anchors than dimensions,
or dimensions constant on the anchors, infinitely many maps fit them equally well, and which one an SVD or a
pseudo-inverse returns depends on rounding (float32 vs float64, the BLAS build, the thread count). Every map
here follows one rule instead: directions the anchors leave unconstrained are sent to zero. The orthogonal
maps keep only the singular directions of the cross-covariance (or of the least-squares map) whose singular
value exceeds `RTOL` times the largest (a partial isometry, orthogonal when the anchors span the space);
least squares is the minimum-norm solution, with the same cut-off. Everything is computed in float64 and
returned in the inputs' dtype.
"""

from __future__ import annotations

from typing import Self

import torch
from torch import Tensor

from bench.methods import Method, Properties
from bench.preprocessing import Chain, StandardScaling, Transform, ZeroPad

#: singular values below RTOL × the largest count as zero (far above float32 rounding, 1e-7, far below the
#: spread of the directions real anchors span)
RTOL = 1e-6


def polar_part(m: Tensor) -> Tensor:
    """U_r V_rᵀ from U Σ Vᵀ = svd(m), keeping the r singular directions with σ > RTOL σ_max: the orthogonal
    factor of m where m is non-singular, zero on what m sends to (numerically) zero."""
    u, sigma, vh = torch.linalg.svd(m.double(), full_matrices=False)
    r = int((sigma > RTOL * sigma[0]).sum()) if len(sigma) and sigma[0] > 0 else 0
    return (u[:, :r] @ vh[:r]).to(m.dtype)


def orthogonal_procrustes(x: Tensor, y: Tensor) -> Tensor:
    """argmin_R ‖x R − y‖_F over orthogonal R: R = U Vᵀ with U Σ Vᵀ = svd(xᵀ y) — on the directions the anchors
    determine; the others map to zero (`polar_part`)."""
    return polar_part(x.double().T @ y.double()).to(x.dtype)


def nearest_orthogonal(w: Tensor) -> Tensor:
    """The orthogonal matrix closest to w in Frobenius norm, U Vᵀ with U Σ Vᵀ = svd(w), on w's range (`polar_part`)."""
    return polar_part(w)


def least_squares(x: Tensor, y: Tensor) -> Tensor:
    """argmin_W ‖x W − y‖_F, the minimum-norm solution (singular values below RTOL σ_max of x count as zero)."""
    return (torch.linalg.pinv(x.double(), rtol=RTOL) @ y.double()).to(x.dtype)


class ScaledTranslator(Method):
    """A translator in the scaled, zero-padded space; subclasses estimate `R` with `estimate`.

    Whatever `R` is, the standard scaling removes translations and per-dimension rescaling of the source,
    and an orthogonal `R` fitted on permuted dimensions is the permuted `R`. `scaling` is the transform each side
    is scaled with (standard scaling in the latent-translation pipeline).
    """

    family = "translator"
    scaling: type[Transform] = StandardScaling
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
        """Each side's scaling from its own samples, both padded to the larger dimension."""
        dim = max(x.shape[1], y.shape[1])
        self.tx = Chain(self.scaling(), ZeroPad(dim)).fit(x)
        self.ty = Chain(self.scaling(), ZeroPad(dim)).fit(y)

    def source(self, x: Tensor) -> Tensor:
        """T_y⁻¹(T_x(x) R), in x's dtype (a subclass may fit its map and scalings in float64)."""
        return self.ty.inverse(self.tx(x) @ self.map).to(x.dtype)


class OrthogonalTranslator(ScaledTranslator):
    """The scaled pipeline with the orthogonal Procrustes map R = UVᵀ, U Σ Vᵀ = svd(X̂ᵀ Ŷ)."""

    def estimate(self, x: Tensor, y: Tensor) -> Tensor:
        return orthogonal_procrustes(x, y)
