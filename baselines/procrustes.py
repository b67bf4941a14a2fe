"""Orthogonal Procrustes translation (latent space translation via semantic alignment).

    R = argmin_{RᵀR = I} ‖X̂_a R − Ŷ_a‖_F = U Vᵀ,   U Σ Vᵀ = svd(X̂_aᵀ Ŷ_a)

on anchors standard-scaled with their own statistics and zero-padded to a common dimension; a source
sample is mapped as T_y⁻¹(T_x(x) R). The standard scaling makes it invariant to translations and to any
per-dimension rescaling of the source, and the orthogonal R to permutations of its dimensions; it is *not*
invariant to general rotations of the source, because per-dimension statistics change under them.
"""

from bench.translation import OrthogonalTranslator


class Procrustes(OrthogonalTranslator):
    name = "procrustes"
