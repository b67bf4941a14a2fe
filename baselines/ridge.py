"""Ridge translation: affine least squares with an L2 penalty chosen on the anchors alone.

    μ_x, μ_y the anchors' means,  X = X_a − μ_x,  Y = Y_a − μ_y
    W_λ = (XᵀX + λ I)⁻¹ Xᵀ Y,   source(x) = (x − μ_x) W_λ + μ_y

λ minimises the generalised cross-validation score of the anchors (Golub, Heath & Wahba, 1979),

    GCV(λ) = n ‖Y − H_λ Y‖²_F / (n − tr H_λ)²,   H_λ = X (XᵀX + λ I)⁻¹ Xᵀ,   n = anchors − 1 (centred)

over λ = σ₁² · 10^t for t = −8, −7.75, …, 2 (σ₁ the largest singular value of X), all from one SVD of X: no
test sample and no label is involved. Plain least squares (`linear`, `affine`) interpolates the anchors once
there are as many anchors as dimensions, and its error peaks there (the interpolation threshold); the penalty
keeps the map stable through it. Invariant to rotations, permutations, isotropic rescaling and translations of
the source (the grid follows σ₁²); not to rescaling single dimensions, which changes what the penalty favours.
"""

from typing import Self

import torch
from torch import Tensor

from bench.methods import Method, Properties

GRID = torch.arange(-8.0, 2.01, 0.25, dtype=torch.float64)


def gcv_ridge(x: Tensor, y: Tensor) -> tuple[Tensor, float]:
    """(W, λ) of the ridge map from centred x to centred y, λ chosen by generalised cross-validation."""
    x, y = x.double(), y.double()
    u, s, vh = torch.linalg.svd(x, full_matrices=False)
    if not len(s) or s[0] == 0:
        return torch.zeros(x.shape[1], y.shape[1], dtype=x.dtype, device=x.device), 0.0
    uy = u.T @ y
    n = max(x.shape[0] - 1, 1)
    total = float((y * y).sum())
    best = None
    for lam in (s[0] ** 2 * 10.0**GRID).tolist():
        f = s**2 / (s**2 + lam)
        residual = total - float(((2 * f - f**2)[:, None] * uy**2).sum())
        gcv = n * residual / max(n - float(f.sum()), 1e-12) ** 2
        if best is None or gcv < best[0]:
            best = (gcv, lam)
    lam = best[1]
    return vh.T @ ((s / (s**2 + lam))[:, None] * uy), lam


class Ridge(Method):
    name = "ridge"
    family = "translator"
    properties = Properties(invariances=frozenset({"orthogonal", "isotropic_scaling", "translation", "permutation"}))
    reference = "Golub, Heath & Wahba, Technometrics 1979 (GCV); ridge as a latent translator beside linear/affine"

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        self.mean_x = source_anchors.mean(dim=0, keepdim=True)
        self.mean_y = target_anchors.mean(dim=0, keepdim=True)
        w, self.penalty = gcv_ridge(source_anchors - self.mean_x, target_anchors - self.mean_y)
        self.w = w.to(source_anchors.dtype)
        return self

    def diagnostics(self) -> dict[str, float]:
        return {"ridge_penalty": self.penalty}

    def source(self, x: Tensor) -> Tensor:
        return (x - self.mean_x) @ self.w + self.mean_y
