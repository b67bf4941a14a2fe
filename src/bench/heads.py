"""The classification head of every protocol that classifies: multinomial logistic regression on standardised
features, trained to convergence, deterministic.

    z = (x − μ) / σ                                  μ, σ: the train samples' mean and std per feature (σ := 1
                                                     where σ < 1e-8)
    min_{W,b}  (1/n) Σ_i −log softmax(z_i W + b)_{y_i}  +  (λ/2) ‖W‖²_F,    λ = 1 / (C n), C = 1

This is scikit-learn's `make_pipeline(StandardScaler(), LogisticRegression(C=1.0))` objective (L2 on the weights,
not on the bias). It is solved by Newton's method with conjugate gradients (a truncated Newton method: Hessian-
vector products, CG to a relative residual of min(0.5, √‖g‖∞), Armijo backtracking), in float64 on the
device of the features, from W = 0, b = 0. **Converged** means ‖∇‖∞ ≤ `tol` = 1e-6 for the gradient of the
objective above (W and b together); a head that does not get there in `max_newton` = 100 Newton steps raises.
Newton steps converge superlinearly, so a 100× tighter tolerance costs a few more steps and moves no
prediction that matters (tested on the CI manifest). The same head, with the same settings, serves every path:
the target's native head (the main score's denominator) and the heads fitted in a method's common space.

Sparse features (a `torch.sparse_coo` matrix: the word counts and node features of the competence floors' probe)
are standardised implicitly, z v = x (v / σ) − μ · (v / σ), so the products cost O(non-zeros) rather than O(N d);
the objective and its solution are the same, up to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from bench.errors import BenchError

TOL = 1e-6
MAX_NEWTON = 100
MAX_CG = 250
EPS = 1e-8


@dataclass(frozen=True)
class Head:
    """A fitted head: standardisation and the linear map to class scores."""

    mean: Tensor
    std: Tensor
    weight: Tensor  # d × classes
    bias: Tensor  # classes
    newton_steps: int
    gradient: float  # ‖∇‖∞ at the end

    def scores(self, x: Tensor) -> Tensor:
        """Class scores of samples `x` (N × d, dense or sparse COO), in float64."""
        if x.layout == torch.sparse_coo:
            return standardised_times(x.to(self.weight), self.mean, self.std, self.weight) + self.bias
        z = (x.to(self.weight) - self.mean) / self.std
        return z @ self.weight + self.bias

    def predict(self, x: Tensor) -> Tensor:
        """The class of each sample (the lowest index among tied scores)."""
        return self.scores(x).argmax(dim=1)


class Standardised:
    """The standardised features with a last column of ones for the bias, z = [(x − μ) / σ, 1] (N × (d + 1)), as
    the two products the solver needs: z v and zᵀ r."""

    def __init__(self, x: Tensor):
        self.mean = x.mean(dim=0)
        self.std = guarded(x.std(dim=0, unbiased=False))
        ones = torch.ones(len(x), 1, dtype=x.dtype, device=x.device)
        self.z = torch.cat([(x - self.mean) / self.std, ones], dim=1)
        self.zt = self.z.T.contiguous()  # zᵀ row-major: the products with zᵀ read it in order (about 2× faster)
        self.shape = self.z.shape

    def times(self, v: Tensor) -> Tensor:
        return self.z @ v

    def transposed_times(self, r: Tensor) -> Tensor:
        return self.zt @ r


class SparseStandardised(Standardised):
    """The same products for sparse COO features x, never forming the dense z."""

    def __init__(self, x: Tensor):
        n = len(x)
        x = x.coalesce()
        self.mean = torch.sparse.sum(x, dim=0).to_dense() / n
        self.std = guarded((torch.sparse.sum(x * x, dim=0).to_dense() / n - self.mean**2).clamp(min=0).sqrt())
        self.x, self.xt = x, x.t().coalesce()
        self.shape = (n, x.shape[1] + 1)

    def times(self, v: Tensor) -> Tensor:
        return standardised_times(self.x, self.mean, self.std, v[:-1]) + v[-1]

    def transposed_times(self, r: Tensor) -> Tensor:
        total = r.sum(dim=0, keepdim=True)
        return torch.cat([(self.xt @ r - self.mean[:, None] * total) / self.std[:, None], total])


def standardised_times(x: Tensor, mean: Tensor, std: Tensor, v: Tensor) -> Tensor:
    """((x − μ) / σ) v for sparse x, without forming x − μ: x (v / σ) − μ · (v / σ)."""
    scaled = v / std[:, None]
    return x @ scaled - mean @ scaled


def guarded(std: Tensor) -> Tensor:
    """σ with 1 where σ < EPS: a constant feature is only centred."""
    return torch.where(std < EPS, torch.ones_like(std), std)


class Objective:
    """The objective above on standardised features `z` and one-hot labels: its value, gradient and class
    probabilities at weights `w` ((d + 1) × classes, the last row the bias), and its Hessian's product with a
    direction."""

    def __init__(self, z: Standardised, onehot: Tensor, lam: float):
        self.z, self.onehot, self.lam, self.n = z, onehot, lam, len(onehot)
        self.penalised = torch.ones(z.shape[1], 1, dtype=onehot.dtype, device=onehot.device)
        self.penalised[-1] = 0.0  # the bias row

    def __call__(self, w: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        logits = self.z.times(w)
        norm = torch.logsumexp(logits, dim=1)
        p = torch.exp(logits - norm[:, None])
        value = (norm - (logits * self.onehot).sum(dim=1)).mean() + 0.5 * self.lam * (w * w * self.penalised).sum()
        return value, self.z.transposed_times(p - self.onehot) / self.n + self.lam * w * self.penalised, p

    def hessian_times(self, p: Tensor, v: Tensor) -> Tensor:
        """H v at the weights whose class probabilities are `p`."""
        u = self.z.times(v)
        r = p * u - p * (p * u).sum(dim=1, keepdim=True)
        return self.z.transposed_times(r) / self.n + self.lam * v * self.penalised


def fit_head(x: Tensor, labels: Tensor, n_classes: int, c: float = 1.0, tol: float = TOL) -> Head:
    """The converged head on samples `x` (N × d, dense or sparse COO) with integer `labels` in [0, n_classes)."""
    x = x.to(torch.float64)
    labels = torch.as_tensor(labels, device=x.device).long()
    n, d = x.shape
    z = SparseStandardised(x) if x.layout == torch.sparse_coo else Standardised(x)
    onehot = torch.nn.functional.one_hot(labels, n_classes).to(x.dtype)
    objective = Objective(z, onehot, 1.0 / (c * n))

    w = torch.zeros(d + 1, n_classes, dtype=x.dtype, device=x.device)
    value, grad, p = objective(w)
    for step in range(MAX_NEWTON + 1):
        gmax = float(grad.abs().max())
        if gmax <= tol:
            return Head(z.mean, z.std, w[:-1], w[-1], step, gmax)
        if step == MAX_NEWTON:
            break
        direction = conjugate_gradient(lambda v, p=p: objective.hessian_times(p, v), -grad, min(0.5, gmax**0.5))
        slope = float((grad * direction).sum())
        t = 1.0
        while True:
            new_value, new_grad, new_p = objective(w + t * direction)
            if float(new_value) <= float(value) + 1e-4 * t * slope or t < 1e-12:
                break
            t *= 0.5
        w, value, grad, p = w + t * direction, new_value, new_grad, new_p
    raise BenchError(f"the head did not converge: ‖∇‖∞ = {gmax:.1e} > {tol:g} after {MAX_NEWTON} Newton steps")


def conjugate_gradient(apply, rhs: Tensor, relative: float) -> Tensor:
    """An approximate solution of A s = rhs (A symmetric positive definite, given as `apply`), to a residual
    ‖r‖ ≤ `relative` · ‖rhs‖ or MAX_CG iterations."""
    s = torch.zeros_like(rhs)
    r = rhs.clone()
    direction = r.clone()
    rr = (r * r).sum()
    bound = relative * float(rr.sqrt())
    for _ in range(MAX_CG):
        a_dir = apply(direction)
        alpha = rr / (direction * a_dir).sum()
        s = s + alpha * direction
        r = r - alpha * a_dir
        rr_next = (r * r).sum()
        if float(rr_next.sqrt()) <= bound:
            break
        direction = r + (rr_next / rr) * direction
        rr = rr_next
    return s
