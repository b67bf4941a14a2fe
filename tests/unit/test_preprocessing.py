"""Shared pre-processing: statistics from the anchors, exact inverses, composition."""

from __future__ import annotations

import pytest
import torch

from bench.preprocessing import Centering, Chain, L2Normalization, StandardScaling, ZeroPad


def test_standard_scaling_uses_anchor_statistics_and_inverts() -> None:
    gen = torch.Generator().manual_seed(0)
    anchors = torch.randn(50, 4, generator=gen, dtype=torch.float64) * 3 + 1
    s = StandardScaling().fit(anchors)
    z = s(anchors)
    assert torch.allclose(z.mean(0), torch.zeros(4, dtype=torch.float64), atol=1e-12)
    assert torch.allclose(z.std(0, unbiased=False), torch.ones(4, dtype=torch.float64), atol=1e-12)
    other = torch.randn(5, 4, generator=gen, dtype=torch.float64)
    assert torch.allclose(s.inverse(s(other)), other, atol=1e-12)


def test_chain_of_scaling_and_padding_inverts_in_reverse_order() -> None:
    x = torch.randn(10, 3, dtype=torch.float64)
    chain = Chain(Centering(), StandardScaling(), ZeroPad(5)).fit(x)
    y = chain(x)
    assert y.shape == (10, 5) and torch.equal(y[:, 3:], torch.zeros(10, 2, dtype=torch.float64))
    assert torch.allclose(chain.inverse(y), x, atol=1e-12)


def test_zero_pad_refuses_to_shrink_and_l2_has_no_inverse() -> None:
    with pytest.raises(ValueError):
        ZeroPad(2).fit(torch.zeros(3, 4))
    n = L2Normalization()
    assert torch.allclose(n(torch.tensor([[3.0, 4.0]])), torch.tensor([[0.6, 0.8]]))
    with pytest.raises(NotImplementedError):
        n.inverse(torch.zeros(1, 2))


def test_standard_scaling_leaves_dimensions_constant_on_anchors_unscaled() -> None:
    anchors = torch.tensor([[1.0, 0.0], [3.0, 0.0]], dtype=torch.float64)  # 2nd unit never active
    s = StandardScaling().fit(anchors)
    assert torch.equal(s.std, torch.tensor([[1.0, 1.0]], dtype=torch.float64))
    assert torch.equal(
        s(torch.tensor([[2.0, 0.5]], dtype=torch.float64)), torch.tensor([[0.0, 0.5]], dtype=torch.float64)
    )
