"""Relative representations: each sample described by its cosine similarity to the anchors.

    r(x) = [cos(x, a_1), …, cos(x, a_k)],   cos(x, a) = ⟨x, a⟩ / (‖x‖ ‖a‖)

with the source's anchors on the source side and the target's anchors (the same samples) on the target
side; both land in the same k-dimensional space. Invariant to orthogonal maps (permutations included)
and isotropic scaling of the source, not to translations or per-dimension rescaling.
"""

from torch import Tensor

from bench.methods import Properties
from bench.projections import AnchorProjector, cosine


class Relative(AnchorProjector):
    name = "relative"
    properties = Properties(invariances=frozenset({"orthogonal", "isotropic_scaling", "permutation"}))
    reference = (
        "Moschella, Maiorca et al., Relative representations enable zero-shot latent space communication, ICLR 2023"
    )
    own_decoder = "relative"

    def project(self, x: Tensor, anchors: Tensor) -> Tensor:
        return cosine(x, anchors)
