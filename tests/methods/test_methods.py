"""Method properties: planted maps are recovered, declared invariances hold, the others do not,
and each method agrees with a slow obvious implementation."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import torch

from bench.methods import TRANSFORMATIONS, Method
from bench.plugins import get_method_class, plugins
from bench.translation import least_squares, nearest_orthogonal, orthogonal_procrustes
from tests.methods.transforms import random_orthogonal, transformation

METHODS = plugins().methods.names()


def spaces(n: int, dx: int, dy: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Anisotropic, off-centre source and a nonlinearly related target (double precision)."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, dx, generator=gen, dtype=torch.float64) * torch.linspace(0.5, 3, dx, dtype=torch.float64) + 2
    w = torch.randn(dx, dy, generator=gen, dtype=torch.float64)
    return x, torch.tanh(x @ w / dx**0.5) + 0.1 * torch.randn(n, dy, generator=gen, dtype=torch.float64)


def fitted(name: str, x: torch.Tensor, y: torch.Tensor, n_anchors: int) -> Method:
    """The method fitted on the first `n_anchors` pairs, and, if it takes them, on unpaired samples of the
    rest: the even rows on the source side, the odd rows on the target side (no sample on both)."""
    cls = get_method_class(name)
    unpaired = {"source": x[n_anchors::2], "target": y[n_anchors + 1 :: 2]} if cls.properties.unpaired else {}
    return cls().fit(x[:n_anchors], y[:n_anchors], **unpaired)


def fit_map(name: str, x: torch.Tensor, y: torch.Tensor, n_anchors: int) -> torch.Tensor:
    return fitted(name, x, y, n_anchors).source(x[n_anchors:])


@pytest.mark.parametrize("name", METHODS)
@pytest.mark.parametrize("kind", TRANSFORMATIONS)
def test_declared_invariances_hold_and_others_fail(name: str, kind: str) -> None:
    cls = get_method_class(name)
    dx, dy = 8, 8 if not cls.properties.different_dims else 6
    x, y = spaces(120, dx, dy)
    reference = fit_map(name, x, y, 60)
    t = transformation(kind, dx, torch.Generator().manual_seed(1))
    moved = fit_map(name, t(x), y, 60)
    same = torch.allclose(moved, reference, rtol=1e-7, atol=1e-9)
    if kind in cls.properties.invariances:
        assert same, f"{name} declares invariance to {kind} but its output changed"
    else:
        assert not same, f"{name} does not declare invariance to {kind}, yet its output did not change"


def test_orthogonal_procrustes_recovers_planted_rotation() -> None:
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(200, 32, generator=gen, dtype=torch.float64)
    r = random_orthogonal(32, gen)
    assert (orthogonal_procrustes(x, x @ r) - r).abs().max() < 1e-10


def test_procrustes_recovers_planted_rotation_scale_and_translation() -> None:
    """The textbook Procrustes recovers y = c x Q + t exactly (float64), from anchors of any covariance."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(300, 32, generator=gen, dtype=torch.float64) * torch.linspace(0.5, 3, 32, dtype=torch.float64) + 2
    q = random_orthogonal(32, gen)
    t = torch.randn(32, generator=gen, dtype=torch.float64)
    method = get_method_class("procrustes")().fit(x[:200], 3.7 * x[:200] @ q + t)
    assert (method.source(x[200:]) - (3.7 * x[200:] @ q + t)).abs().max() < 1e-5
    assert (method.map - q).abs().max() < 1e-5
    lst = get_method_class("lst-procrustes")().fit(x[:200], 3.7 * x[:200] @ q + t)
    assert (lst.source(x[200:]) - (3.7 * x[200:] @ q + t)).abs().max() > 1e-2  # per-dimension scaling is not


def test_lst_procrustes_recovers_planted_rotation_on_isotropic_anchors() -> None:
    """Where standard scaling is the identity (centred anchors with isotropic covariance), the latent-translation
    pipeline maps X R exactly: error < 1e-5 in double precision."""
    gen = torch.Generator().manual_seed(0)
    q, _ = torch.linalg.qr(torch.randn(300, 32, generator=gen, dtype=torch.float64))
    q = q - q.mean(0)
    u, _, vh = torch.linalg.svd(q, full_matrices=False)
    anchors = (u @ vh) * 300**0.5  # centred, XᵀX = n·I, so every dimension has mean 0 and std 1
    r = random_orthogonal(32, gen)
    method = get_method_class("lst-procrustes")().fit(anchors, anchors @ r)
    test = torch.randn(50, 32, generator=gen, dtype=torch.float64)
    assert (method.source(test) - test @ r).abs().max() < 1e-5
    assert (method.map - r).abs().max() < 1e-5


def test_lst_procrustes_matches_scipy_on_scaled_padded_anchors() -> None:
    """On the directions the anchors determine (the target's 7 real dimensions), scipy's rotation; the padding's
    3 directions, which no anchor constrains, map to zero instead of scipy's arbitrary completion."""
    x, y = spaces(100, 10, 7)
    method = get_method_class("lst-procrustes")().fit(x, y)
    xs = (x - x.mean(0)) / x.std(0, unbiased=False)
    ys = (y - y.mean(0)) / y.std(0, unbiased=False)
    ys = torch.cat([ys, torch.zeros(100, 3, dtype=torch.float64)], 1)
    r, _ = scipy.linalg.orthogonal_procrustes(xs.numpy(), ys.numpy())
    np.testing.assert_allclose(method.map.numpy()[:, :7], r[:, :7], atol=1e-10)
    assert np.abs(method.map.numpy()[:, 7:]).max() < 1e-12
    expected = (xs.numpy() @ r)[:, :7] * y.std(0, unbiased=False).numpy() + y.mean(0).numpy()
    np.testing.assert_allclose(method.source(x).numpy(), expected, atol=1e-10)


def test_linear_recovers_planted_linear_map() -> None:
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(100, 12, generator=gen, dtype=torch.float64)
    w = torch.randn(12, 9, generator=gen, dtype=torch.float64)
    method = get_method_class("linear")().fit(x[:50], x[:50] @ w)
    assert (method.w - w).abs().max() < 1e-10
    assert (method.source(x[50:]) - x[50:] @ w).abs().max() < 1e-10


def test_affine_recovers_planted_affine_map_and_linear_does_not() -> None:
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(100, 12, generator=gen, dtype=torch.float64)
    w, b = (
        torch.randn(12, 9, generator=gen, dtype=torch.float64),
        torch.randn(9, generator=gen, dtype=torch.float64),
    )
    y = x @ w + b
    affine = get_method_class("affine")().fit(x[:50], y[:50])
    assert (affine.source(x[50:]) - y[50:]).abs().max() < 1e-10
    linear = get_method_class("linear")().fit(x[:50], y[:50])
    assert (linear.source(x[50:]) - y[50:]).abs().max() > 1e-2


def test_least_squares_is_min_norm_when_underdetermined() -> None:
    gen = torch.Generator().manual_seed(0)
    x, y = (
        torch.randn(5, 20, generator=gen, dtype=torch.float64),
        torch.randn(5, 3, generator=gen, dtype=torch.float64),
    )
    w = least_squares(x, y)
    np.testing.assert_allclose((x @ w).numpy(), y.numpy(), atol=1e-10)
    lstsq = np.linalg.lstsq(x.numpy(), y.numpy(), rcond=None)[0]
    np.testing.assert_allclose(w.numpy(), lstsq, atol=1e-10)


def test_lortho_is_nearest_orthogonal_to_least_squares() -> None:
    x, y = spaces(100, 6, 6)
    method = get_method_class("lortho")().fit(x, y)
    r = method.map
    np.testing.assert_allclose((r.T @ r).numpy(), np.eye(6), atol=1e-10)
    xs = (x - x.mean(0)) / x.std(0, unbiased=False)
    ys = (y - y.mean(0)) / y.std(0, unbiased=False)
    w = np.linalg.lstsq(xs.numpy(), ys.numpy(), rcond=None)[0]
    u, _, vt = np.linalg.svd(w)
    np.testing.assert_allclose(r.numpy(), u @ vt, atol=1e-8)
    assert torch.allclose(nearest_orthogonal(r), r)


def test_relative_matches_slow_cosine_loop() -> None:
    x, y = spaces(30, 5, 4)
    method = get_method_class("relative")().fit(x[:7], y[:7])
    rel = method.source(x)
    for i in range(30):
        for j in range(7):
            a, b = x[i].numpy(), x[j].numpy()
            assert abs(rel[i, j].item() - a @ b / np.linalg.norm(a) / np.linalg.norm(b)) < 1e-12
    assert method.target(y).shape == (30, 7)


def test_relative_invariant_to_rotation_and_scaling_not_translation() -> None:
    x, y = spaces(50, 6, 6)
    gen = torch.Generator().manual_seed(3)
    q = random_orthogonal(6, gen)
    base = get_method_class("relative")().fit(x[:10], y[:10]).source(x)
    rotated = get_method_class("relative")().fit(2.5 * x[:10] @ q, y[:10]).source(2.5 * x @ q)
    shifted = get_method_class("relative")().fit(x[:10] + 1, y[:10]).source(x + 1)
    assert torch.allclose(base, rotated, atol=1e-12)
    assert (base - shifted).abs().max() > 1e-3


@pytest.mark.parametrize("name", METHODS)
def test_contract_shapes_dtype_determinism(name: str) -> None:
    cls = get_method_class(name)
    dx, dy = (7, 7) if not cls.properties.different_dims else (7, 5)
    x, y = spaces(80, dx, dy)
    for dtype in (torch.float32, torch.float64):
        a = fitted(name, x.to(dtype), y.to(dtype), 30)
        b = fitted(name, x.to(dtype), y.to(dtype), 30)
        xs, ys = a.source(x.to(dtype)), a.target(y.to(dtype))
        assert xs.dtype == dtype and ys.dtype == dtype
        assert xs.shape[0] == 80 and ys.shape[0] == 80 and xs.shape[1] == ys.shape[1]
        assert torch.isfinite(xs).all() and torch.isfinite(ys).all()
        assert torch.equal(xs, b.source(x.to(dtype))) and torch.equal(ys, b.target(y.to(dtype)))
    if cls.family == "translator":
        assert xs.shape[1] == dy and torch.equal(ys, y)
