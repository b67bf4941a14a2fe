"""Affine translation: least squares with a bias between the raw spaces.

    [W; b] = argmin ‖[X_a 1] [W; b] − Y_a‖_F,   source(x) = x W + b

Invariant to any invertible affine map of the source (rotations, permutations, rescaling of dimensions,
translations).
"""

from typing import Self

import torch
from torch import Tensor

from bench.methods import TRANSFORMATIONS, Method, Properties
from bench.translation import least_squares


def with_bias_column(x: Tensor) -> Tensor:
    return torch.cat([x, torch.ones_like(x[:, :1])], dim=1)


class Affine(Method):
    name = "affine"
    family = "translator"
    properties = Properties(invariances=frozenset(TRANSFORMATIONS))
    reference = "Maiorca, Moschella et al., Latent Space Translation via Semantic Alignment, NeurIPS 2023"

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        self.w = least_squares(with_bias_column(source_anchors), target_anchors)
        return self

    def source(self, x: Tensor) -> Tensor:
        return with_bias_column(x) @ self.w
