"""Methods that use unpaired samples: bootstrapping recovers a planted correspondence, the anchor-free
baseline a planted rotation, functional maps are orthogonal between isometric spaces; and the optimal
transport helpers they share."""

from __future__ import annotations

import sys

import numpy as np
import torch

from bench.cells import draw_unpaired
from bench.matching import entropic_plan, exact_plan, mutual_matches
from bench.plugins import get_method_class
from tests.methods.transforms import random_orthogonal


def clustered(n: int, dim: int, seed: int) -> torch.Tensor:
    """Samples around six centres of unequal spread and weight (a space with clusters, no symmetry)."""
    gen = torch.Generator().manual_seed(seed)
    centres = torch.randn(6, dim, generator=torch.Generator().manual_seed(100), dtype=torch.float64) * 4
    labels = torch.multinomial(torch.tensor([0.3, 0.25, 0.15, 0.12, 0.1, 0.08]), n, replacement=True, generator=gen)
    spread = torch.linspace(0.5, 1.5, 6, dtype=torch.float64)[labels, None]
    return centres[labels] + spread * torch.randn(n, dim, generator=gen, dtype=torch.float64)


def test_exact_plan_of_a_permuted_copy_is_the_permutation() -> None:
    x = torch.randn(40, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    perm = torch.randperm(40, generator=torch.Generator().manual_seed(1))
    plan = exact_plan(torch.cdist(x, x[perm]) ** 2)
    assert torch.equal(plan.argmax(dim=1), torch.argsort(perm))
    np.testing.assert_allclose(plan.sum(dim=1).numpy(), 1 / 40)


def test_mutual_matches_on_a_hand_made_plan() -> None:
    plan = torch.tensor([[0.5, 0.1, 0.0], [0.4, 0.2, 0.0], [0.0, 0.3, 0.6]], dtype=torch.float64)
    rows, cols, weights = mutual_matches(plan)
    # row 0 ↔ col 0 (mutual), row 2 ↔ col 2 (mutual); row 1's best is col 0, whose best is row 0
    assert rows.tolist() == [2, 0] and cols.tolist() == [2, 0] and weights.tolist() == [0.6, 0.5]


def test_entropic_plan_has_uniform_marginals() -> None:
    cost = torch.rand(30, 20, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    plan = entropic_plan(cost, 0.05)
    np.testing.assert_allclose(plan.sum(dim=1).numpy(), 1 / 30, atol=1e-6)
    np.testing.assert_allclose(plan.sum(dim=0).numpy(), 1 / 20, atol=1e-6)


def test_unpaired_draw_is_disjoint_and_seeded() -> None:
    ids = np.arange(100, 400)
    a, b = draw_unpaired(ids, seed=3, size=500)
    assert len(a) == len(b) == 150 and not set(a) & set(b) and set(a) | set(b) <= set(ids)
    a2, b2 = draw_unpaired(ids, seed=3)
    assert np.array_equal(a, a2) and np.array_equal(b, b2)
    assert not np.array_equal(a, draw_unpaired(ids, seed=4)[0])
    shared_a, shared_b = draw_unpaired(ids, seed=3, setting="shared", size=200)
    assert len(shared_a) == 200 and set(shared_a) == set(shared_b) and not np.array_equal(shared_a, shared_b)


def test_bootstrapping_recovers_a_planted_permutation_from_a_small_seed() -> None:
    gen = torch.Generator().manual_seed(0)
    x = clustered(310, 12, seed=0)
    q = random_orthogonal(12, gen)
    seed, pool = x[:10], x[10:]
    perm = torch.randperm(300, generator=gen)  # target sample j is source sample perm[j]
    method = get_method_class("anchor-bootstrapping")().fit(seed, seed @ q, source=pool, target=(pool @ q)[perm])
    rows, cols = method.matches
    assert len(rows) >= 100
    assert (perm[cols] == rows).double().mean() > 0.98
    # nearly the translation of Procrustes fitted on the seed plus the found samples' true partners
    found = torch.cat([seed, pool[rows]])
    truth = get_method_class("lst-procrustes")().fit(found, found @ q)
    test = clustered(50, 12, seed=1)
    assert (method.source(test) - truth.source(test)).norm() / truth.source(test).norm() < 0.02


def test_anchor_free_recovers_a_planted_rotation_of_a_clustered_space() -> None:
    """Disjoint samples on the two sides (no correspondence exists), the target rotated."""
    q = random_orthogonal(8, torch.Generator().manual_seed(0))
    source, target = clustered(300, 8, seed=1), clustered(300, 8, seed=2) @ q
    method = get_method_class("gw-procrustes")().fit(source[:0], target[:0], source=source, target=target)
    test = clustered(100, 8, seed=3)
    cosine = torch.nn.functional.cosine_similarity(method.source(test), test @ q, dim=1)
    # nearly as close as Procrustes fitted on 300 true pairs (both are orthogonal maps between standard-scaled spaces)
    truth = get_method_class("lst-procrustes")().fit(source, source @ q)
    reference = torch.nn.functional.cosine_similarity(truth.source(test), test @ q, dim=1)
    assert cosine.mean() > 0.9 and cosine.mean() > reference.mean() - 0.05
    shuffled = get_method_class("gw-procrustes")().fit(
        source[:0], target[:0], source=source, target=clustered(300, 8, seed=2)[:, torch.randperm(8)]
    )
    assert torch.nn.functional.cosine_similarity(shuffled.source(test), test @ q, dim=1).mean() < 0.5


def test_functional_map_is_orthogonal_between_isometric_spaces() -> None:
    gen = torch.Generator().manual_seed(0)
    x = clustered(400, 16, seed=4)
    q = random_orthogonal(16, gen)
    anchors, pool = x[:50], x[50:]
    perm = torch.randperm(350, generator=gen)
    method = get_method_class("lfm")().fit(anchors, 3 * anchors @ q + 1, source=pool, target=(3 * pool @ q + 1)[perm])
    c = method.c
    np.testing.assert_allclose((c.T @ c).numpy(), np.eye(len(c)), atol=1e-3)
    assert method.diagnostics()["fmap_orthogonality_error"] < 1e-3
    other = get_method_class("lfm")().fit(anchors, anchors, source=pool, target=clustered(350, 16, seed=5) ** 2)
    assert other.diagnostics()["fmap_orthogonality_error"] > 0.1


def test_functional_map_solve_matches_the_stacked_least_squares_problem() -> None:
    """C = argmin ‖C a − b‖² + α ‖C Λx − Λy C‖², solved as one least-squares problem on vec(C) (row-major)."""
    functional_map = sys.modules[get_method_class("lfm").__module__].functional_map
    gen = torch.Generator().manual_seed(0)
    b_dim, k, alpha = 6, 4, 3.0
    a, b = (torch.randn(b_dim, k, generator=gen, dtype=torch.float64) for _ in range(2))
    lx, ly = (torch.rand(b_dim, generator=gen, dtype=torch.float64).sort().values for _ in range(2))
    data = np.kron(np.eye(b_dim), a.T.numpy())  # vec(C a) = (I ⊗ aᵀ) vec(C)
    commute = np.diag(np.sqrt(alpha) * (lx[None, :] - ly[:, None]).numpy().ravel())
    system = np.vstack([data, commute])
    target = np.concatenate([b.numpy().ravel(), np.zeros(b_dim * b_dim)])
    expected = np.linalg.lstsq(system, target, rcond=None)[0].reshape(b_dim, b_dim)
    np.testing.assert_allclose(functional_map(a, b, lx, ly, alpha).numpy(), expected, atol=1e-6)


def normalised_laplacian(graph) -> np.ndarray:
    """I − D^{−1/2} W D^{−1/2} of the graph's structure, dense (every stored entry an edge, length 0 included)."""
    w = graph.copy()
    w.data[:] = 1.0
    w = w.toarray()
    d = 1 / np.sqrt(w.sum(axis=1))
    return np.eye(len(w)) - d[:, None] * w * d[None, :]


def test_spectral_basis_depends_on_its_graph_alone() -> None:
    """On a k-NN graph of 20 far-apart clusters (eigenvalue 0 of the Laplacian repeated 20 times) the basis is the
    same before and after other graphs' bases are computed (ARPACK's was not: its restarts draw from a generator
    kept across calls), and its eigenvalues are those of the dense normalised Laplacian."""
    module = sys.modules[get_method_class("lfm").__module__]

    def separate_clusters(parts: int, seed: int) -> torch.Tensor:
        gen = torch.Generator().manual_seed(seed)
        centres = 50 * torch.randn(parts, 16, generator=gen, dtype=torch.float64)
        return (centres[:, None] + torch.randn(parts, 40, 16, generator=gen, dtype=torch.float64)).reshape(-1, 16)

    graph = module.knn_graph(separate_clusters(20, 1), 10)
    phi, lam = module.spectral_basis(graph, 30)
    for parts in range(21, 26):
        module.spectral_basis(module.knn_graph(separate_clusters(parts, parts), 10), 30)
    again_phi, again_lam = module.spectral_basis(graph, 30)
    assert torch.equal(phi, again_phi) and torch.equal(lam, again_lam)
    np.testing.assert_allclose(lam.numpy(), np.linalg.eigvalsh(normalised_laplacian(graph))[:30], atol=1e-10)
    assert np.abs(lam.numpy()[:20]).max() < 1e-10 and lam[20] > 1e-3  # one zero per cluster
    np.testing.assert_allclose((phi.T @ phi).numpy(), np.eye(30), atol=1e-10)


def test_neighbour_graph_orders_exact_ties_by_index_and_keeps_duplicates_edges() -> None:
    """Two copies of sample 0 (a data set with duplicate images): the three are at length 0 from each other, every
    tie goes to the lowest index (not to a partial sort's thread-dependent order), and the length-0 edges are edges
    of the basis and of the geodesics (a sparse matrix built from distances drops them)."""
    module = sys.modules[get_method_class("lfm").__module__]
    x = clustered(60, 8, seed=6)
    graph = module.knn_graph(torch.cat([x, x[:1], x[:1]]), 1)
    structure = graph.copy()
    structure.data[:] = 1
    assert graph[0, 60] == 0 and structure[0, 60] == 1 and structure[0, 61] == 1  # stored: edges of length 0
    assert set(structure[:, 61].nonzero()[0]) == {0}  # 61 is never chosen over 0 or 60: it only chose 0 itself
    assert set(structure[:, 60].nonzero()[0]) == {0}
    assert module.geodesic_descriptors(graph, 1)[60:].abs().max() == 0
    lam = module.spectral_basis(graph, 40)[1]
    np.testing.assert_allclose(lam.numpy(), np.linalg.eigvalsh(normalised_laplacian(graph))[:40], atol=1e-10)


def test_nearest_rows_count_rounding_level_differences_as_ties() -> None:
    """Rows equal in theory but apart by rounding go to the first; a real difference still decides."""
    nearest_rows = sys.modules[get_method_class("lfm").__module__].nearest_rows
    query = torch.zeros(1, 2, dtype=torch.float64)
    tied = torch.tensor([[1e-15, 0.0], [0.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
    assert torch.cdist(query, tied).argmin().item() == 1 and nearest_rows(query, tied).tolist() == [0]
    apart = torch.tensor([[1e-3, 0.0], [0.0, 0.0]], dtype=torch.float64)
    assert nearest_rows(query, apart).tolist() == [1]
