"""ASIF-style sparse relative projection (Norelli et al., NeurIPS 2023).

    r(x) = normalize( top_k( max(cos(x, a_i), 0) )^p )

Cosine similarities to the anchors; each row keeps its k = 32 largest entries (all of them with fewer
anchors), raised to the power p = 8, the others set to zero; rows are L2-normalised. The sparsity and the
power sharpen the representation around the closest anchors, which ASIF found essential for coupling
independently trained spaces. Same invariances as the cosine relative projection.
"""

from typing import Self

from torch import Tensor

from bench.methods import Method, Properties
from bench.projections import cosine, sparsify


class ASIF(Method):
    name = "asif"
    family = "projector"
    properties = Properties(invariances=frozenset({"orthogonal", "isotropic_scaling", "permutation"}))
    reference = "Norelli et al., ASIF: Coupled Data Turns Unimodal Models to Multimodal Without Training, NeurIPS 2023"
    top_k = 32
    power = 8.0

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        self.source_anchors, self.target_anchors = source_anchors, target_anchors
        return self

    def source(self, x: Tensor) -> Tensor:
        return sparsify(cosine(x, self.source_anchors), self.top_k, self.power)

    def target(self, y: Tensor) -> Tensor:
        return sparsify(cosine(y, self.target_anchors), self.top_k, self.power)
