"""The relative-projection family beyond plain cosine: inverse relative projection, ASIF sparsification,
product of invariances; each against its defining property and a slow obvious implementation."""

from __future__ import annotations

import numpy as np
import torch

from bench.plugins import get_method_class
from bench.projections import SIMILARITIES, row_standardize, sparsify
from tests.methods.transforms import random_orthogonal


def data(n: int, d: int, seed: int = 0) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=gen, dtype=torch.float64) * torch.linspace(0.5, 2, d, dtype=torch.float64) + 1


def test_inverse_relative_recovers_target_up_to_scale_from_an_orthogonal_transform() -> None:
    y = data(200, 16)
    q = random_orthogonal(16, torch.Generator().manual_seed(1))
    x = 3.0 * y @ q + 2.0  # the source: the target rotated, rescaled and shifted
    method = get_method_class("inverse-relative")().fit(x[:40], y[:40])
    mapped = method.source(x[40:])
    mu = y[:40].mean(0)
    cos = torch.nn.functional.cosine_similarity(mapped - mu, y[40:] - mu, dim=1)
    assert (cos - 1).abs().max() < 1e-10  # the direction from the target's anchor mean is exact
    norms = (mapped - mu).norm(dim=1)
    assert torch.allclose(norms, (y[:40] - mu).norm(dim=1).mean().expand_as(norms))  # at the typical norm


def test_inverse_relative_matches_slow_steps() -> None:
    x, y = data(60, 6), data(60, 4, seed=2)
    method = get_method_class("inverse-relative")().fit(x[:20], y[:20])
    xa, ya = x[:20].numpy(), y[:20].numpy()
    mx, my = xa.mean(0), ya.mean(0)
    unit = lambda m: m / np.linalg.norm(m, axis=1, keepdims=True)  # noqa: E731
    rel = unit(x[20:].numpy() - mx) @ unit(xa - mx).T
    back = rel @ np.linalg.pinv(unit(ya - my).T, rcond=method.rtol)
    expected = my + np.linalg.norm(ya - my, axis=1).mean() * unit(back)
    np.testing.assert_allclose(method.source(x[20:]).numpy(), expected, atol=1e-10)


def test_asif_keeps_exactly_k_entries_per_row_and_matches_slow_version() -> None:
    x = data(30, 8).abs()  # non-negative: cosines are positive, nothing is clamped
    anchors = data(50, 8, seed=3).abs()
    method = get_method_class("asif")().fit(anchors, anchors)
    r = method.source(x)
    assert ((r > 0).sum(dim=1) == method.top_k).all()
    assert torch.allclose(r.norm(dim=1), torch.ones(30, dtype=torch.float64))
    for i in range(30):
        sims = [float(x[i] @ a / (x[i].norm() * a.norm())) for a in anchors]
        keep = np.argsort(sims)[::-1][: method.top_k]
        row = np.zeros(50)
        row[keep] = np.array(sims)[keep] ** method.power
        np.testing.assert_allclose(r[i].numpy(), row / np.linalg.norm(row), atol=1e-12)


def test_sparsify_with_fewer_anchors_than_k_keeps_all() -> None:
    r = torch.tensor([[0.5, 0.2, -0.1]], dtype=torch.float64)
    out = sparsify(r, k=32, power=2)
    expected = torch.tensor([[0.25, 0.04, 0.0]], dtype=torch.float64)
    assert torch.allclose(out, expected / expected.norm())


def test_similarities_match_slow_loops() -> None:
    x, a = data(5, 3), data(4, 3, seed=5)
    for name, fn in SIMILARITIES.items():
        s = fn(x, a)
        for i in range(5):
            for j in range(4):
                d = (x[i] - a[j]).numpy()
                expected = {
                    "cosine": float(x[i] @ a[j] / (x[i].norm() * a[j].norm())),
                    "euclidean": -np.sqrt((d**2).sum()),
                    "l1": -np.abs(d).sum(),
                    "linf": -np.abs(d).max(),
                }[name]
                assert abs(s[i, j].item() - expected) < 1e-12, name


def test_row_standardize_and_product_aggregations() -> None:
    r = row_standardize(torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64))
    assert torch.allclose(r, torch.tensor([[-1.0, 0.0, 1.0]], dtype=torch.float64) * np.sqrt(3 / 2))
    x, y = data(40, 6), data(40, 5, seed=1)
    concat = get_method_class("product-concat")().fit(x[:10], y[:10])
    total = get_method_class("product-sum")().fit(x[:10], y[:10])
    assert concat.source(x).shape == (40, 40) and concat.target(y).shape == (40, 40)
    parts = concat.source(x).split(10, dim=1)
    assert torch.allclose(total.source(x), sum(parts))
    single = get_method_class("relative-l1")().fit(x[:10], y[:10])
    assert torch.allclose(parts[2], single.source(x))


def test_inverse_relative_truncates_near_null_directions_of_the_target() -> None:
    x, y = data(60, 6), data(60, 4, seed=2)
    y[:, 3] *= 1e-4  # a near-constant target dimension: Â_y is ill-conditioned
    method = get_method_class("inverse-relative")().fit(x[:20], y[:20])
    ya = y[:20].numpy() - y[:20].numpy().mean(0)
    unit = ya / np.linalg.norm(ya, axis=1, keepdims=True)
    singular = np.linalg.svd(unit, compute_uv=False)
    assert singular.min() < method.rtol * singular.max()  # the case the truncation is for
    np.testing.assert_allclose(method.inverse.numpy(), np.linalg.pinv(unit.T, rcond=method.rtol), atol=1e-10)
    assert np.abs(method.inverse.numpy() - np.linalg.pinv(unit.T)).max() > 1.0
