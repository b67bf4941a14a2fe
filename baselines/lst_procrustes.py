"""Orthogonal Procrustes in the latent-space-translation pipeline (Maiorca, Moschella et al., NeurIPS 2023).

    R = argmin_{RᵀR = I} ‖X̂_a R − Ŷ_a‖_F = U Vᵀ,   U Σ Vᵀ = svd(X̂_aᵀ Ŷ_a)

on anchors standard-scaled with their own statistics and zero-padded to a common dimension; a source
sample is mapped as T_y⁻¹(T_x(x) R). The standard scaling makes it invariant to translations and to any
per-dimension rescaling of the source, and the orthogonal R to permutations of its dimensions; it is *not*
invariant to general rotations of the source, because per-dimension statistics change under them: on a space
and an exact rotation of it, it stitches below the space itself. `procrustes` is the textbook version (centring
and one isotropic scale per side), which recovers a rotation exactly.
"""

from bench.translation import OrthogonalTranslator


class LSTProcrustes(OrthogonalTranslator):
    name = "lst-procrustes"
