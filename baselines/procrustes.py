"""Orthogonal Procrustes, the textbook way: centre each side, give it unit scale, rotate.

    X̃ = (X_a − μ_x) / s_x,   s_x = √(mean_i ‖x_i − μ_x‖²)     (Ỹ likewise; the smaller side zero-padded)
    R = argmin_{RᵀR = I} ‖X̃ R − Ỹ‖_F = U Vᵀ,   U Σ Vᵀ = svd(X̃ᵀ Ỹ)
    source(x) = s_y · ((x − μ_x) / s_x) R + μ_y          (un-padded to the target's dimension)

It recovers a rotation, an isotropic rescaling and a translation of a space exactly (when the anchors span it):
it is invariant to all three, and to permutations. Directions the anchors do not span map to zero
(`bench.translation`). `lst-procrustes` is the latent-space-translation pipeline, which standard-scales each
dimension instead and so is not invariant to rotations (Maiorca, Moschella et al., NeurIPS 2023).
"""

from bench.methods import Properties
from bench.preprocessing import IsotropicScaling
from bench.translation import OrthogonalTranslator


class Procrustes(OrthogonalTranslator):
    name = "procrustes"
    version = "2"  # 1 was the latent-translation pipeline, now `lst-procrustes`
    scaling = IsotropicScaling
    properties = Properties(invariances=frozenset({"orthogonal", "isotropic_scaling", "translation", "permutation"}))
    reference = "Schönemann 1966; Gower 1975 (orthogonal and generalised Procrustes analysis)"
