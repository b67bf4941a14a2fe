"""ASIF-style sparse relative projection (Norelli et al., NeurIPS 2023).

    r(x) = normalize( top_k( max(cos(x, a_i), 0) )^p )

Cosine similarities to the anchors; each row keeps its k = 32 largest entries (all of them with fewer
anchors), raised to the power p = 8, the others set to zero; rows are L2-normalised. The sparsity and the
power sharpen the representation around the closest anchors, which ASIF found essential for coupling
independently trained spaces. Same invariances as the cosine relative projection.
"""

from torch import Tensor

from bench.methods import Properties
from bench.projections import AnchorProjector, cosine, sparsify


class ASIF(AnchorProjector):
    name = "asif"
    properties = Properties(invariances=frozenset({"orthogonal", "isotropic_scaling", "permutation"}))
    reference = "Norelli et al., ASIF: Coupled Data Turns Unimodal Models to Multimodal Without Training, NeurIPS 2023"
    top_k = 32
    power = 8.0

    def project(self, x: Tensor, anchors: Tensor) -> Tensor:
        return sparsify(cosine(x, anchors), self.top_k, self.power)
