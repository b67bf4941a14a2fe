"""Absolute: no communication at all; the source space is fed to the target side as it is.

    source(x) = x,  target(y) = y

The lower reference of every table: stitching independently trained spaces this way is near chance.
Not applicable between spaces of different dimension.
"""

from typing import Self

from torch import Tensor

from bench.methods import Method, Properties


class Absolute(Method):
    name = "absolute"
    family = "translator"
    properties = Properties(invariances=frozenset(), different_dims=False, needs_anchors=False)
    reference = "Moschella et al., ICLR 2023 (the 'absolute' baseline)"

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        return self

    def source(self, x: Tensor) -> Tensor:
        return x
