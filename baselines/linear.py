"""Linear translation: the least-squares linear map between the raw spaces, no bias.

    W = argmin_W ‖X_a W − Y_a‖_F = X_a⁺ Y_a,   source(x) = x W

(the minimum-norm solution when there are fewer anchors than source dimensions). Handles different
dimensions directly; invariant to any invertible linear map of the source (rotations, permutations,
rescaling of dimensions); not to translations.
"""

from typing import Self

from torch import Tensor

from bench.methods import Method, Properties
from bench.translation import least_squares


class Linear(Method):
    name = "linear"
    family = "translator"
    properties = Properties(
        invariances=frozenset({"orthogonal", "isotropic_scaling", "anisotropic_scaling", "permutation"})
    )
    reference = "Maiorca, Moschella et al., Latent Space Translation via Semantic Alignment, NeurIPS 2023"

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        self.w = least_squares(source_anchors, target_anchors)
        return self

    def source(self, x: Tensor) -> Tensor:
        return x @ self.w
