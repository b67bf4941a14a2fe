"""Metrics on small cases computed by hand, against slow obvious versions, and in row blocks as a whole."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from bench import metrics, protocols


def t(x) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x))


def test_accuracy_and_macro_f1_by_hand() -> None:
    y_true = t([0, 0, 1, 1, 2, 2])
    y_pred = t([0, 1, 1, 1, 2, 0])
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(4 / 6)
    # class 0: P = 1/2, R = 1/2 → F1 1/2; class 1: P = 2/3, R = 1 → F1 4/5; class 2: P = 1, R = 1/2 → F1 2/3
    assert metrics.macro_f1(y_true, y_pred) == pytest.approx((1 / 2 + 4 / 5 + 2 / 3) / 3)


def test_mean_cosine_and_mse_by_hand() -> None:
    a = t([[1.0, 0.0], [0.0, 2.0]])
    b = t([[1.0, 1.0], [0.0, -3.0]])
    assert metrics.mean_cosine(a, b) == pytest.approx((1 / np.sqrt(2) - 1) / 2)
    assert metrics.mse(a, b) == pytest.approx((0 + 1 + 0 + 25) / 4)


def test_ranks_top1_and_mrr_by_hand() -> None:
    # row 0 matches its counterpart best; row 1's counterpart is 2nd; row 2's is 3rd
    a = t([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0]])
    b = t([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    ranks = metrics.counterpart_ranks(a, b)
    assert ranks.tolist() == [1, 2, 3]
    scores = metrics.recall_and_mrr(ranks, ks=(1,))
    assert scores["r@1"] == pytest.approx(1 / 3)
    assert scores["mrr"] == pytest.approx((1 + 1 / 2 + 1 / 3) / 3)


def test_ties_count_against_the_true_match() -> None:
    a = t([[1.0, 0.0], [1.0, 0.0]])
    b = t([[1.0, 0.0], [1.0, 0.0]])  # both candidates equally similar
    assert metrics.counterpart_ranks(a, b).tolist() == [2, 2]


def on_circle(angles: list[float]) -> torch.Tensor:
    return t(np.stack([np.cos(angles), np.sin(angles)], 1))


def test_jaccard_at_k_by_hand() -> None:
    # four points on a line in angle; k = 1 nearest neighbours
    a = on_circle([0.0, 0.1, 1.0, 1.15])  # NN: 0→1, 1→0, 2→3, 3→2
    b = on_circle([0.0, 1.0, 0.1, 1.15])  # NN: 0→2, 1→3, 2→0, 3→1
    assert metrics.jaccard_at_k(a, a, 1) == 1.0
    assert metrics.jaccard_at_k(a, b, 1) == 0.0
    # k = 2: a: 0→{1,2}, 1→{0,2}, 2→{3,1}, 3→{2,1}; b: 0→{2,1}, 1→{3,2}, 2→{0,1}, 3→{1,2}
    expected = np.mean([2 / 2, 1 / 3, 1 / 3, 2 / 2])
    assert metrics.jaccard_at_k(a, b, 2) == pytest.approx(expected)


def test_retrieval_jaccard_by_hand() -> None:
    b = on_circle([0.0, 0.1, 1.0, 1.15])  # k = 2 nearest in b, itself included: {0,1}, {1,0}, {2,3}, {3,2}
    a = on_circle([1.05, 0.05, 0.6, 1.2])  # retrieves from b: {2,3}, {0,1}, {2,1}, {3,2}
    assert metrics.retrieval_jaccard(a, b, 2) == pytest.approx((0 + 1 + 1 / 3 + 1) / 4)
    assert metrics.retrieval_jaccard(b, b, 2) == 1.0


def test_retrieval_jaccard_against_sets_and_rank_free_of_scale() -> None:
    rng = np.random.default_rng(0)
    a, b, k = rng.normal(size=(60, 5)), rng.normal(size=(60, 5)), 4

    def nearest(q: np.ndarray) -> set[int]:
        sims = [q @ y / np.linalg.norm(q) / np.linalg.norm(y) for y in b]
        return set(np.argsort(sims)[::-1][:k].tolist())

    slow = np.mean([len(nearest(x) & nearest(y)) / len(nearest(x) | nearest(y)) for x, y in zip(a, b, strict=True)])
    assert metrics.retrieval_jaccard(t(a), t(b), k) == pytest.approx(slow)
    assert metrics.retrieval_jaccard(t(3.0 * a), t(b), k) == pytest.approx(slow)


def view(source_test: torch.Tensor, target_test: torch.Tensor, labels: torch.Tensor) -> protocols.CellView:
    """A cell whose mapped source test samples are `source_test` against `target_test` (no train samples used)."""
    target = protocols.Target(target_test, labels, target_test, labels, int(labels.max()) + 1)
    return protocols.CellView(source_test, target, target, lambda: {})


def test_fidelity_scores_one_for_a_perfect_map() -> None:
    b = t(np.random.default_rng(1).normal(size=(50, 8)))
    scores = protocols.translation_fidelity(view(b.clone(), b, torch.zeros(50, dtype=torch.long)))
    assert scores["top1"] == scores["mrr"] == scores["jaccard@10"] == scores["retrieval_jaccard@10"] == 1.0


def test_linear_cka_by_hand_and_invariances() -> None:
    x = t([[1.0], [2.0], [3.0]])
    y = t([[1.0], [3.0], [2.0]])
    # centred: x = (−1, 0, 1), y = (−1, 1, 0); (yᵀx)² = 1, ‖xᵀx‖ = ‖yᵀy‖ = 2 → 1 / 4
    assert metrics.linear_cka(x, y) == pytest.approx(0.25)
    rng = np.random.default_rng(0)
    a = rng.normal(size=(50, 6))
    q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    assert metrics.linear_cka(t(a), t(3 * a @ q + 1)) == pytest.approx(1.0)
    assert metrics.linear_cka(t(a), t(a * np.arange(1, 7))) < 0.99  # not invariant to anisotropic scaling
    assert metrics.linear_cka(t(a), t(np.hstack([a, np.zeros((50, 2))]))) == pytest.approx(1.0)  # dims may differ


def test_mutual_knn_by_hand() -> None:
    a = on_circle([0.0, 0.1, 1.0, 1.15])  # 1-NN: 0→1, 1→0, 2→3, 3→2
    b = on_circle([0.0, 0.1, 1.0, 0.15])  # 1-NN: 0→1, 1→3, 2→3, 3→1
    assert metrics.mutual_knn(a, a, k=1) == 1.0
    assert metrics.mutual_knn(a, b, k=1) == pytest.approx(2 / 4)


def test_class_ranks_recall_and_mrr_by_hand() -> None:
    # two queries (classes 0 and 1) against four items of classes 0, 0, 1, 2
    # queries and items on the unit circle, so their cosines are the cosines of angle differences
    items = on_circle([0.0, 0.2, 1.0, 2.0])  # classes 0, 0, 1, 2
    labels = t([0, 0, 1, 2])
    queries = on_circle([0.25, 1.9])  # classes 0 and 1
    # query 0: nearest item is item 1 (class 0) → rank 1; query 1: class 2 (item 3) is nearer than class 1 → rank 2
    ranks = metrics.class_ranks(queries, items, t([0, 1]), labels)
    assert ranks.tolist() == [1, 2]
    assert metrics.recall_and_mrr(ranks, (1, 2)) == {"r@1": 0.5, "r@2": 1.0, "mrr": (1 + 1 / 2) / 2}
    tied = metrics.class_ranks(on_circle([0.5]), on_circle([0.0, 1.0]), t([1]), t([0, 1]))
    assert tied.tolist() == [2]  # equally near both classes: a tie counts against the true class


def test_cross_modal_retrieval_both_directions() -> None:
    # text side: one vector per word, repeated for each of the word's recordings
    words = torch.eye(3, dtype=torch.float64)
    labels = t([0, 0, 1, 1, 2, 2])
    text = words[labels]
    audio = text.clone()
    audio[4, 0] = 1.0  # recording 4 (word 2) as close to word 0 as to its own
    scores = protocols.cross_modal_retrieval(view(audio, text, labels))
    assert scores["src2tgt_r@1"] == pytest.approx(5 / 6)  # recording 4 ties word 0 with its own word 2 → rank 2
    assert scores["src2tgt_mrr"] == pytest.approx((5 + 1 / 2) / 6)
    assert scores["tgt2src_r@1"] == 1.0  # every word's best recording is one of its own


def test_block_computations_equal_whole_matrices(monkeypatch) -> None:
    """Ranks, neighbour sets and class ranks computed in blocks of rows equal the whole-matrix results."""
    rng = np.random.default_rng(3)
    a, b = t(rng.normal(size=(37, 6))), t(rng.normal(size=(37, 6)))
    labels = t(rng.integers(0, 5, 37))
    whole = (metrics.counterpart_ranks(a, b), metrics.knn_sets(a, 4), metrics.class_ranks(a, b, labels, labels))
    monkeypatch.setattr(metrics, "BLOCK", 5)
    blocked = (metrics.counterpart_ranks(a, b), metrics.knn_sets(a, 4), metrics.class_ranks(a, b, labels, labels))
    for w, bl in zip(whole, blocked, strict=True):
        assert torch.equal(w.sort(dim=-1).values, bl.sort(dim=-1).values)
    s = metrics.normalize_rows(a) @ metrics.normalize_rows(b).T
    assert whole[0].tolist() == (s >= s.diagonal()[:, None]).sum(dim=1).tolist()  # the obvious version


def test_ranks_and_top_k_in_one_pass_equal_each_alone(monkeypatch) -> None:
    """The fused pass translation fidelity uses gives exactly what the two metrics give apart, across blocks."""
    rng = np.random.default_rng(4)
    a, b = t(rng.normal(size=(37, 6))), t(rng.normal(size=(37, 6)))
    monkeypatch.setattr(metrics, "BLOCK", 5)
    ranks, top = metrics.counterpart_ranks_and_top_k(a, b, 4)
    assert torch.equal(ranks, metrics.counterpart_ranks(a, b)) and torch.equal(top, metrics.top_k(a, b, 4))
    assert ranks.shape == (37,) and top.shape == (37, 4)
