"""Latent functional maps (Fumero, Pegoraro, Maiorca, Locatello & Rodolà, NeurIPS 2024).

Each space's samples (its anchors and its unpaired samples) are the nodes of a symmetric k-NN graph
(cosine distance of centred vectors); the first `basis` eigenvectors Φ (and eigenvalues Λ) of its
normalised Laplacian L = I − D^{−1/2} W D^{−1/2} span the smooth functions on the data. The
functions "similarity to anchor i", F = [cos(v − μ, a_i − μ)], are parallel across the two spaces, so
their spectral coefficients give the functional map C (basis × basis):

    C = argmin_C ‖C Φ_xᵀ F_x − Φ_yᵀ F_y‖² + α ‖C Λ_x − Λ_y C‖²          (solved row by row)

A delta at source node p has target coefficients C Φ_x[p]ᵀ; its nearest row of Φ_y is p's
correspondent. The translation is the orthogonal Procrustes pipeline of latent space translation fitted
on the anchors plus these correspondences. C is also a similarity of the two spaces: between isometric
spaces it is orthogonal (diagonal up to signs where the spectrum is simple); `fmap_diagonality`
= Σ C_ii² / ‖C‖²_F and `fmap_orthogonality_error` = ‖CᵀC − I‖_F / ‖I‖_F are recorded with each cell.

The defaults (30-NN graph, 30 eigenpairs, α = 1e4) were chosen on four digits pairs, seed 0, 10 and 50
anchors: the normalised Laplacian's first eigenvalues differ by ~1e-2, so the commutativity term needs a
large α to weigh (α = 1 gave a mean stitched / no-stitch ratio of 0.38 there, α = 1e4 0.90).
"""

from typing import Self

import numpy as np
import torch
from scipy import sparse
from scipy.sparse.linalg import eigsh
from sklearn.neighbors import kneighbors_graph
from torch import Tensor

from bench.methods import Properties
from bench.preprocessing import EPS, Centering
from bench.projections import centred_cosine, normalize
from bench.translation import OrthogonalTranslator


def spectral_basis(nodes: Tensor, neighbours: int, size: int) -> tuple[Tensor, Tensor]:
    """The first `size` eigenpairs (Φ, λ) of the normalised Laplacian of the symmetric k-NN graph: the
    top eigenpairs (μ) of the normalised adjacency D^{−1/2} W D^{−1/2}, λ = 1 − μ (ARPACK, fixed start)."""
    unit = normalize(Centering().fit(nodes)(nodes)).detach().cpu().double().numpy()
    knn = kneighbors_graph(unit, n_neighbors=min(neighbours, len(unit) - 1), include_self=False)
    w = knn.maximum(knn.T)
    d = sparse.diags(1 / np.sqrt(np.maximum(np.asarray(w.sum(axis=1)).ravel(), EPS)))
    mu, vectors = eigsh(d @ w @ d, k=size, which="LA", v0=np.ones(len(unit)))
    order = np.argsort(-mu, kind="stable")
    return torch.from_numpy(vectors[:, order].copy()).to(nodes), torch.from_numpy(1 - mu[order]).to(nodes)


def functional_map(a: Tensor, b: Tensor, lx: Tensor, ly: Tensor, alpha: float) -> Tensor:
    """argmin_C ‖C a − b‖² + α ‖C diag(lx) − diag(ly) C‖²; row i solves c (a aᵀ + α diag((lx − ly_i)²)) = (b aᵀ)_i."""
    gram, rhs = a @ a.T, b @ a.T
    rows = [
        torch.linalg.solve(gram + alpha * torch.diag((lx - ly[i]) ** 2) + EPS * torch.eye(len(lx)).to(a), rhs[i])
        for i in range(len(ly))
    ]
    return torch.stack(rows)


class LatentFunctionalMap(OrthogonalTranslator):
    name = "lfm"
    properties = Properties(invariances=frozenset({"translation", "isotropic_scaling", "permutation"}), unpaired=True)
    reference = "Fumero et al., Latent Functional Maps: a spectral framework for representation alignment, NeurIPS 2024"
    neighbours = 30
    basis = 30
    alpha = 1e4

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        nx, ny = torch.cat([source_anchors, unpaired["source"]]), torch.cat([target_anchors, unpaired["target"]])
        size = min(self.basis, len(nx) - 1, len(ny) - 1)
        phi_x, lx = spectral_basis(nx, self.neighbours, size)
        phi_y, ly = spectral_basis(ny, self.neighbours, size)
        fx, fy = centred_cosine(nx, source_anchors), centred_cosine(ny, target_anchors)
        self.c = functional_map(phi_x.T @ fx, phi_y.T @ fy, lx, ly, self.alpha)
        k = len(source_anchors)
        match = torch.cdist(phi_x[k:] @ self.c.T, phi_y).argmin(dim=1)
        return self.fit_pairs(torch.cat([source_anchors, nx[k:]]), torch.cat([target_anchors, ny[match]]))

    def diagnostics(self) -> dict[str, float]:
        c = self.c.double()  # an ill-posed C (few anchors) can overflow float32 in CᵀC
        eye = torch.eye(len(c), dtype=c.dtype, device=c.device)
        return {
            "fmap_diagonality": float(torch.diagonal(c).pow(2).sum() / c.pow(2).sum().clamp_min(EPS)),
            "fmap_orthogonality_error": float(torch.linalg.norm(c.T @ c - eye) / torch.linalg.norm(eye)),
        }
