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


def test_a_dimension_nearly_constant_on_the_anchors_does_not_blow_up_the_samples_that_activate_it() -> None:
    """A unit active on one anchor of 300, weakly (σ ≈ 0.006), and at 1 on a test sample: divided by its own σ
    it would be ~170 standard units; treated as constant it is scaled by the median σ, in any unit."""
    gen = torch.Generator().manual_seed(0)
    anchors = torch.randn(300, 8, generator=gen, dtype=torch.float64) * 2
    anchors[:, 7] = 0.0
    anchors[0, 7] = 0.1
    sample = torch.zeros(1, 8, dtype=torch.float64)
    sample[0, 7] = 1.0
    s = StandardScaling().fit(anchors)
    median = anchors.std(0, unbiased=False).median()
    assert s.std[0, 7] == median and s(sample)[0, 7] == pytest.approx((1.0 - 0.1 / 300) / median.item())
    assert torch.equal(s.std[0, :7], anchors[:, :7].std(0, unbiased=False))  # the others: their own σ
    big = StandardScaling().fit(anchors * 1000)
    assert torch.allclose(big(sample * 1000), s(sample), atol=1e-12)  # the same rule in any unit
