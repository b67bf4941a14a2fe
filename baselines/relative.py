"""Relative representations: each sample described by its cosine similarity to the anchors.

    r(x) = [cos(x, a_1), …, cos(x, a_k)],   cos(x, a) = ⟨x, a⟩ / (‖x‖ ‖a‖)

with the source's anchors on the source side and the target's anchors (the same samples) on the target
side; both land in the same k-dimensional space. Invariant to orthogonal maps (permutations included)
and isotropic scaling of the source, not to translations or per-dimension rescaling.
"""

from typing import Self

from torch import Tensor

from bench.methods import Method, Properties
from bench.projections import cosine


class Relative(Method):
    name = "relative"
    family = "projector"
    properties = Properties(invariances=frozenset({"orthogonal", "isotropic_scaling", "permutation"}))
    reference = (
        "Moschella, Maiorca et al., Relative representations enable zero-shot latent space communication, ICLR 2023"
    )

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        self.source_anchors, self.target_anchors = source_anchors, target_anchors
        return self

    def source(self, x: Tensor) -> Tensor:
        return cosine(x, self.source_anchors)

    def target(self, y: Tensor) -> Tensor:
        return cosine(y, self.target_anchors)
