"""Metrics on small cases computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from bench import metrics, protocols


def test_accuracy_and_macro_f1_by_hand() -> None:
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0])
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(4 / 6)
    # class 0: P = 1/2, R = 1/2 → F1 1/2; class 1: P = 2/3, R = 1 → F1 4/5; class 2: P = 1, R = 1/2 → F1 2/3
    assert metrics.macro_f1(y_true, y_pred) == pytest.approx((1 / 2 + 4 / 5 + 2 / 3) / 3)


def test_mean_cosine_and_mse_by_hand() -> None:
    a = np.array([[1.0, 0.0], [0.0, 2.0]])
    b = np.array([[1.0, 1.0], [0.0, -3.0]])
    assert metrics.mean_cosine(a, b) == pytest.approx((1 / np.sqrt(2) - 1) / 2)
    assert metrics.mse(a, b) == pytest.approx((0 + 1 + 0 + 25) / 4)


def test_ranks_top1_and_mrr_by_hand() -> None:
    # row 0 matches its counterpart best; row 1's counterpart is 2nd; row 2's is 3rd
    a = np.array([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0]])
    b = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    np.testing.assert_array_equal(metrics.match_ranks(a, b), [1, 2, 3])
    top1, mrr = metrics.matching(a, b)
    assert top1 == pytest.approx(1 / 3)
    assert mrr == pytest.approx((1 + 1 / 2 + 1 / 3) / 3)


def test_ties_count_against_the_true_match() -> None:
    a = np.array([[1.0, 0.0], [1.0, 0.0]])
    b = np.array([[1.0, 0.0], [1.0, 0.0]])  # both candidates equally similar
    np.testing.assert_array_equal(metrics.match_ranks(a, b), [2, 2])


def on_circle(angles: list[float]) -> np.ndarray:
    return np.stack([np.cos(angles), np.sin(angles)], 1)


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
    assert metrics.retrieval_jaccard(a, b, k) == pytest.approx(slow)
    assert metrics.retrieval_jaccard(3.0 * a, b, k) == pytest.approx(slow)


def test_fidelity_scores_one_for_a_perfect_map() -> None:
    b = np.random.default_rng(1).normal(size=(50, 8))
    empty = np.zeros(0)
    scores = protocols.translation_fidelity(protocols.Mapped(b, empty, b, b.copy(), empty))
    assert scores["top1"] == scores["mrr"] == scores["jaccard@10"] == scores["retrieval_jaccard@10"] == 1.0


def test_linear_cka_by_hand_and_invariances() -> None:
    x = np.array([[1.0], [2.0], [3.0]])
    y = np.array([[1.0], [3.0], [2.0]])
    # centred: x = (−1, 0, 1), y = (−1, 1, 0); (yᵀx)² = 1, ‖xᵀx‖ = ‖yᵀy‖ = 2 → 1 / 4
    assert metrics.linear_cka(x, y) == pytest.approx(0.25)
    rng = np.random.default_rng(0)
    a = rng.normal(size=(50, 6))
    q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    assert metrics.linear_cka(a, 3 * a @ q + 1) == pytest.approx(1.0)
    assert metrics.linear_cka(a, a * np.arange(1, 7)) < 0.99  # not invariant to anisotropic scaling
    assert metrics.linear_cka(a, np.hstack([a, np.zeros((50, 2))])) == pytest.approx(1.0)  # dims may differ


def test_mutual_knn_by_hand() -> None:
    angles = np.array([0.0, 0.1, 1.0, 1.15])
    a = np.stack([np.cos(angles), np.sin(angles)], 1)  # 1-NN: 0→1, 1→0, 2→3, 3→2
    angles_b = np.array([0.0, 0.1, 1.0, 0.15])
    b = np.stack([np.cos(angles_b), np.sin(angles_b)], 1)  # 1-NN: 0→1, 1→3, 2→3, 3→1
    assert metrics.mutual_knn(a, a, k=1) == 1.0
    assert metrics.mutual_knn(a, b, k=1) == pytest.approx(2 / 4)


def test_content_cache_keys_by_content_and_evicts_the_oldest() -> None:
    calls = []
    cache = protocols.ContentCache(size=2)

    def compute(x: np.ndarray) -> float:
        calls.append(x.sum())
        return float(x.sum())

    a, b, c = np.ones(3), np.zeros(3), np.arange(3.0)
    assert cache.get((a,), compute) == 3.0
    assert cache.get((a.copy(),), compute) == 3.0  # equal content, another object: cached
    assert cache.get((a.astype(np.float32),), compute) == 3.0  # another dtype: a new key
    assert len(calls) == 2
    cache.get((b,), compute), cache.get((c,), compute)  # evicts a (float64) and its float32 twin
    cache.get((a,), compute)
    assert len(calls) == 5


def test_class_ranks_recall_and_mrr_by_hand() -> None:
    # two queries (classes 0 and 1) against four items of classes 0, 0, 1, 2
    s = np.array([[0.1, 0.9, 0.5, 0.2], [0.8, 0.3, 0.6, 0.7]])
    items = np.array([0, 0, 1, 2])
    # query 0: best of class 0 is 0.9 → rank 1; query 1: class 1's best 0.6 < class 0's 0.8 and class 2's 0.7 → 3
    ranks = metrics.class_ranks(s, np.array([0, 1]), items)
    np.testing.assert_array_equal(ranks, [1, 3])
    assert metrics.recall_and_mrr(ranks, (1, 2, 3)) == {"r@1": 0.5, "r@2": 0.5, "r@3": 1.0, "mrr": (1 + 1 / 3) / 2}
    tied = metrics.class_ranks(np.array([[0.5, 0.5]]), np.array([1]), np.array([0, 1]))
    assert tied.tolist() == [2]  # a tie counts against the true class


def test_cross_modal_retrieval_both_directions() -> None:
    # text side: one vector per word, repeated for each of the word's recordings
    words = np.eye(3)
    labels = np.array([0, 0, 1, 1, 2, 2])
    text = words[labels]
    audio = text.copy()
    audio[4, 0] = 1.0  # recording 4 (word 2) as close to word 0 as to its own
    empty = np.zeros(0)
    scores = protocols.cross_modal_retrieval(protocols.Mapped(text, empty, text, audio, labels))
    assert scores["s2t_r@1"] == pytest.approx(5 / 6)  # recording 4 ties word 0 with its own word 2 → rank 2
    assert scores["s2t_mrr"] == pytest.approx((5 + 1 / 2) / 6)
    assert scores["t2s_r@1"] == 1.0  # every word's best recording is one of its own
