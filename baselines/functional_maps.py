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
spaces it is orthogonal; `fmap_orthogonality_error` = ‖CᵀC − I‖_F / ‖I‖_F is recorded with each cell (to 6
decimals: in theory it depends neither on the basis chosen inside a repeated eigenvalue nor on the thread count, in
floating point it does at rounding level, e.g. 1.49238e-09 or 1.49239e-09 between a space and itself). The paper's
diagonality Σ C_ii² / ‖C‖²_F is not recorded: it depends on that choice (a k-NN graph with several components has a
repeated eigenvalue, one per component), which is arbitrary.

The defaults (30-NN graph, 30 eigenpairs, α = 1e4) were chosen on four digits pairs, seed 0, 10 and 50
anchors: the normalised Laplacian's first eigenvalues differ by ~1e-2, so the commutativity term needs a
large α to weigh (α = 1 gave a mean stitched / no-stitch ratio of 0.38 there, α = 1e4 0.90).

Differences from the authors' published code (its `FM` / `FM_T` classes), none measured here for its effect:
- graph: theirs a k-NN graph on Euclidean distances with a Gaussian (`FM`) or distance (`FM_T`) kernel; here the
  cosine geometry (centred, unit-norm vectors) and the unweighted normalised Laplacian.
- basis: theirs 50 eigenpairs, here 30.
- descriptors: theirs exp(−d²) of the geodesic distance to each anchor, plus label descriptors when labels are given
  (zero-shot stitching has none); here the geodesic distance divided by its column's largest.
- objective: theirs descriptor preservation (weight 1), Laplacian commutativity (1e-3) and descriptor commutativity
  (1e-1), solved iteratively from the identity, then refined by ZoomOut on the graph (10 steps, 40 → 50 eigenpairs);
  here the first two terms only, in closed form, α = 1e4 (the eigenvalue scales differ), no refinement.
- correspondences: theirs, for each target node, the nearest row of Φ_x Cᵀ (the target-to-source convention of
  functional-map libraries); here, for each source sample, the nearest row of Φ_y.
- translation: theirs (`FM_T`) least squares from every source node to its matched target node; here orthogonal
  Procrustes after standard scaling (the latent-space-translation pipeline), on the anchors plus the matches.
The paper's setting is the same samples on both sides, correspondence unknown: the `shared` unpaired setting.
"""

from typing import Self

import numpy as np
import torch
from scipy import sparse
from scipy.linalg import eigh
from scipy.sparse.csgraph import dijkstra
from torch import Tensor

from bench.methods import Properties
from bench.preprocessing import EPS, Centering
from bench.projections import normalize
from bench.translation import OrthogonalTranslator


def knn_graph(nodes: Tensor, neighbours: int) -> sparse.csr_matrix:
    """The symmetric k-NN graph of the centred, unit-norm nodes, its edges weighted by Euclidean length. In float64
    whatever the run's precision, each pair's distance computed on its own (no Gram-matrix shortcut, whose rounding
    depends on the BLAS blocking) and equal distances ordered by node index: the neighbour lists are discrete
    choices, and a space with duplicate samples has exact ties that a partial sort would break by thread count.
    A duplicate's edge has length 0 and is kept (stored explicitly: an edge, for the basis and the geodesics)."""
    nodes = nodes.detach().cpu().double()
    unit = normalize(Centering().fit(nodes)(nodes))
    lengths = torch.cdist(unit, unit, compute_mode="donot_use_mm_for_euclid_dist")
    lengths.fill_diagonal_(torch.inf)
    nearest = torch.sort(lengths, dim=1, stable=True).indices[:, : min(neighbours, len(unit) - 1)]
    edges = torch.zeros(lengths.shape, dtype=torch.bool).scatter_(1, nearest, True)
    rows, cols = torch.nonzero(edges | edges.T, as_tuple=True)
    data = lengths[rows, cols].numpy()
    return sparse.csr_matrix((data, (rows.numpy(), cols.numpy())), shape=lengths.shape)


def geodesic_descriptors(graph: sparse.csr_matrix, sources: int) -> Tensor:
    """Each node's shortest-path distance on the graph to each of the first `sources` nodes (the anchors),
    divided by its column's largest finite value; unreachable nodes get 1."""
    d = dijkstra(graph, directed=False, indices=np.arange(sources)).T
    finite = np.where(np.isfinite(d), d, 0.0)
    d = np.where(np.isfinite(d), d, finite.max(axis=0, keepdims=True))
    return torch.from_numpy(d / np.maximum(d.max(axis=0, keepdims=True), EPS))


def spectral_basis(graph: sparse.csr_matrix, size: int) -> tuple[Tensor, Tensor]:
    """The first `size` eigenpairs (Φ, λ) of the normalised Laplacian of the (unweighted) graph: the top eigenpairs
    (μ) of the normalised adjacency D^{−1/2} W D^{−1/2}, λ = 1 − μ, by LAPACK's dense symmetric solver (the graph has
    the anchors and unpaired samples as nodes: at most a few thousand). Not ARPACK: where μ = 1 is repeated (a graph
    with several components) its restarts draw from a generator kept across calls, so a cell's basis, and even its
    eigenvalues, depended on what the process had computed before."""
    w = graph.copy()
    w.data[:] = 1.0  # every stored entry is an edge, a duplicate's length-0 one included
    d = sparse.diags(1 / np.sqrt(np.maximum(np.asarray(w.sum(axis=1)).ravel(), EPS)))
    n = w.shape[0]
    mu, vectors = eigh((d @ w @ d).toarray(), subset_by_index=[n - size, n - 1])
    order = np.argsort(-mu, kind="stable")
    return torch.from_numpy(vectors[:, order].copy()), torch.from_numpy(1 - mu[order])


def functional_map(a: Tensor, b: Tensor, lx: Tensor, ly: Tensor, alpha: float) -> Tensor:
    """argmin_C ‖C a − b‖² + α ‖C diag(lx) − diag(ly) C‖²; row i solves c (a aᵀ + α diag((lx − ly_i)²)) = (b aᵀ)_i."""
    gram, rhs = a @ a.T, b @ a.T
    rows = [
        torch.linalg.solve(gram + alpha * torch.diag((lx - ly[i]) ** 2) + EPS * torch.eye(len(lx)).to(a), rhs[i])
        for i in range(len(ly))
    ]
    return torch.stack(rows)


def nearest_rows(queries: Tensor, rows: Tensor, tie: float = 1e-9) -> Tensor:
    """Each query's nearest row (Euclidean), distances within `tie` of the nearest counted as equal and the first
    such row taken: nodes with the same neighbours have rows of Φ equal in theory, which differ by rounding (by the
    thread count), so a plain argmin would pick between them by the machine."""
    distances = torch.cdist(queries, rows, compute_mode="donot_use_mm_for_euclid_dist")
    return (distances <= distances.min(dim=1, keepdim=True).values + tie).int().argmax(dim=1)


class LatentFunctionalMap(OrthogonalTranslator):
    name = "lfm"
    version = "4"  # neighbour lists and matches independent of the thread count; duplicates' edges kept
    properties = Properties(invariances=frozenset({"translation", "isotropic_scaling", "permutation"}), unpaired=True)
    reference = "Fumero et al., Latent Functional Maps: a spectral framework for representation alignment, NeurIPS 2024"
    neighbours = 30
    basis = 30
    alpha = 1e4

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        nx, ny = torch.cat([source_anchors, unpaired["source"]]), torch.cat([target_anchors, unpaired["target"]])
        size = min(self.basis, len(nx) - 2, len(ny) - 2)
        gx, gy = knn_graph(nx, self.neighbours), knn_graph(ny, self.neighbours)
        (phi_x, lx), (phi_y, ly) = spectral_basis(gx, size), spectral_basis(gy, size)
        k = len(source_anchors)
        fx, fy = geodesic_descriptors(gx, k), geodesic_descriptors(gy, k)
        self.c = functional_map(phi_x.T @ fx, phi_y.T @ fy, lx, ly, self.alpha)
        match = nearest_rows(phi_x[k:] @ self.c.T, phi_y).to(ny.device)
        return self.fit_pairs(torch.cat([source_anchors, nx[k:]]), torch.cat([target_anchors, ny[match]]))

    def diagnostics(self) -> dict[str, float]:
        c = self.c.double()  # an ill-posed C (few anchors) can overflow float32 in CᵀC
        eye = torch.eye(len(c), dtype=c.dtype, device=c.device)
        error = float(torch.linalg.norm(c.T @ c - eye) / torch.linalg.norm(eye))
        return {"fmap_orthogonality_error": round(error, 6)}
