"""Least squares, then orthogonalised: the nearest orthogonal matrix to the least-squares map.

    W = argmin_W ‖X̂_a W − Ŷ_a‖_F,   R = U Vᵀ with U Σ Vᵀ = svd(W)

in the same standard-scaled, zero-padded space as Procrustes (an ablation of it in the latent-translation
paper). Same invariances as Procrustes: translations, per-dimension rescaling and permutations of the
source, not general rotations.
"""

from torch import Tensor

from bench.translation import ScaledTranslator, least_squares, nearest_orthogonal


class LOrtho(ScaledTranslator):
    name = "lortho"

    def estimate(self, x: Tensor, y: Tensor) -> Tensor:
        return nearest_orthogonal(least_squares(x, y))
