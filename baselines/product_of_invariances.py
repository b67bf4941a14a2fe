"""Product of invariances (Cannistraci et al., From Bricks to Bridges, ICLR 2024).

Relative projections with several similarity functions, each invariant to its own class of
transformations, each normalised per sample (a layer normalisation without parameters, `LN`), then
aggregated so that one space carries all of them:

    r_s(x) = LN([s(x, a_i)]_i)  for s ∈ {cosine, −‖·‖₂, −‖·‖₁, −‖·‖_∞}
    concat:  r(x) = [r_cos(x), r_L2(x), r_L1(x), r_L∞(x)]   (4k dims)
    sum:     r(x) = r_cos(x) + r_L2(x) + r_L1(x) + r_L∞(x)   (k dims)

Each single-similarity projection is registered too. The normalisation makes every one invariant to
isotropic scaling; cosine adds rotations, Euclidean rotations and translations, L1 and L∞ translations
and permutations. An aggregate is exactly invariant only to what all its parts are (permutations and
isotropic scaling); its gain is that the head can use whichever part fits the pair.
"""

from typing import ClassVar

import torch
from torch import Tensor

from bench.methods import Properties
from bench.projections import SIMILARITIES, AnchorProjector, row_standardize

REFERENCE = (
    "Cannistraci et al., From Bricks to Bridges: Product of Invariances to Enhance Latent Space Communication, "
    "ICLR 2024"
)


class NormalisedRelative(AnchorProjector):
    """Relative projections with the similarities in `parts`, row-standardised, then aggregated."""

    reference = REFERENCE
    parts: ClassVar[tuple[str, ...]]
    aggregate: ClassVar[str] = "concat"

    def project(self, x: Tensor, anchors: Tensor) -> Tensor:
        spaces = [row_standardize(SIMILARITIES[s](x, anchors)) for s in self.parts]
        return torch.cat(spaces, dim=1) if self.aggregate == "concat" else torch.stack(spaces).sum(dim=0)


class RelativeCosine(NormalisedRelative):
    name = "relative-cosine-ln"
    parts = ("cosine",)
    properties = Properties(invariances=frozenset({"orthogonal", "isotropic_scaling", "permutation"}))


class RelativeEuclidean(NormalisedRelative):
    name = "relative-euclidean"
    parts = ("euclidean",)
    properties = Properties(invariances=frozenset({"orthogonal", "isotropic_scaling", "translation", "permutation"}))


class RelativeL1(NormalisedRelative):
    name = "relative-l1"
    parts = ("l1",)
    properties = Properties(invariances=frozenset({"isotropic_scaling", "translation", "permutation"}))


class RelativeLinf(NormalisedRelative):
    name = "relative-linf"
    parts = ("linf",)
    properties = Properties(invariances=frozenset({"isotropic_scaling", "translation", "permutation"}))


class ProductConcat(NormalisedRelative):
    name = "product-concat"
    parts = tuple(SIMILARITIES)
    properties = Properties(invariances=frozenset({"isotropic_scaling", "permutation"}))


class ProductSum(NormalisedRelative):
    name = "product-sum"
    parts = tuple(SIMILARITIES)
    aggregate = "sum"
    properties = Properties(invariances=frozenset({"isotropic_scaling", "permutation"}))
