"""The classification head: scikit-learn's standardised multinomial logistic regression (C = 1), solved to
convergence by Newton-CG; deterministic; a tighter tolerance changes nothing that is recorded."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from bench import heads
from bench.errors import BenchError
from bench.registry import project_home


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, ...]:
    d = load_digits()
    return d.data[:1200], d.target[:1200], d.data[1200:], d.target[1200:]


def test_the_head_is_scikit_learns_converged_logistic_regression(digits) -> None:
    x, y, xt, yt = digits
    head = heads.fit_head(torch.as_tensor(x), torch.as_tensor(y), 10)
    assert head.gradient <= heads.TOL
    assert (head.predict(torch.as_tensor(xt)).numpy() == yt).mean() > 0.9
    theirs = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000)).fit(x, y)
    assert head.predict(torch.as_tensor(xt)).tolist() == theirs.predict(xt).tolist()
    # multinomial weights are defined up to a shift shared by the classes: compare them centred over classes
    ours, coef = head.weight.numpy(), theirs[-1].coef_.T
    ours, coef = ours - ours.mean(1, keepdims=True), coef - coef.mean(1, keepdims=True)
    assert np.abs(ours - coef).max() < 1e-3 * np.abs(coef).max()


def test_a_constant_feature_is_only_centred_and_the_fit_is_deterministic(digits) -> None:
    x, y, xt, _ = digits
    x = torch.as_tensor(x)
    assert x[:, 0].std() == 0  # the first pixel of every digit is blank
    first, again = heads.fit_head(x, torch.as_tensor(y), 10), heads.fit_head(x.clone(), torch.as_tensor(y), 10)
    assert first.std[0] == 1 and torch.isfinite(first.weight).all()
    xt = torch.as_tensor(xt)
    assert torch.equal(first.weight, again.weight) and torch.equal(first.scores(xt), again.scores(xt))


def test_a_hundred_times_tighter_tolerance_moves_no_prediction(digits) -> None:
    x, y, xt, _ = digits
    x, y, xt = torch.as_tensor(x), torch.as_tensor(y), torch.as_tensor(xt)
    loose, tight = heads.fit_head(x, y, 10), heads.fit_head(x, y, 10, tol=heads.TOL / 100)
    assert tight.gradient <= heads.TOL / 100 and tight.newton_steps <= loose.newton_steps + 3
    assert torch.equal(loose.predict(xt), tight.predict(xt))


def test_a_head_that_does_not_converge_raises(digits, monkeypatch) -> None:
    x, y, _, _ = digits
    monkeypatch.setattr(heads, "MAX_NEWTON", 1)
    with pytest.raises(BenchError, match=r"the head did not converge: ‖∇‖∞ = .* after 1 Newton steps"):
        heads.fit_head(torch.as_tensor(x), torch.as_tensor(y), 10)


def test_sparse_features_give_the_dense_head(digits) -> None:
    x, y, xt, _ = digits
    x, y, xt = torch.as_tensor(x), torch.as_tensor(y), torch.as_tensor(xt)
    dense = heads.fit_head(x, y, 10, tol=heads.TOL / 100)
    sparse = heads.fit_head(x.to_sparse(), y, 10, tol=heads.TOL / 100)
    assert torch.allclose(sparse.mean, dense.mean) and torch.allclose(sparse.std, dense.std)
    assert (sparse.weight - dense.weight).abs().max() < 1e-5 * dense.weight.abs().max()
    assert torch.allclose(sparse.scores(xt.to_sparse()), dense.scores(xt), atol=1e-6)
    assert torch.equal(sparse.predict(xt.to_sparse()), dense.predict(xt))


def test_the_head_cost_benchmark_times_the_objectives_hessian_product() -> None:
    path = project_home() / "benchmarks" / "head_cost.py"
    spec = importlib.util.spec_from_file_location("head_cost", path)
    head_cost = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(head_cost)
    features = torch.randn(200, 30, generator=torch.Generator().manual_seed(0))
    assert 0 < head_cost.hessian_product_s(features, 10, repeats=2) < 10
