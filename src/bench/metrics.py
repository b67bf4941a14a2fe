"""Metrics, as plain functions of arrays (each tested on hand-computed cases).

Pairs are aligned by row: row i of `a` and row i of `b` are the same sample seen in two spaces.
Similarities are cosine similarities; ties in ranks count against the true match (pessimistic).
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score

EPS = 1e-12


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Unweighted mean of per-class F1 over the classes present in `y_true` or `y_pred`."""
    return float(f1_score(y_true, y_pred, average="macro", zero_division=0))


def normalize_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), EPS)


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """S[i, j] = cos(a_i, b_j)."""
    return normalize_rows(a) @ normalize_rows(b).T


def mean_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """mean_i cos(a_i, b_i)."""
    return float(np.mean(np.sum(normalize_rows(a) * normalize_rows(b), axis=1)))


def mse(a: np.ndarray, b: np.ndarray) -> float:
    """mean_i,d (a_id − b_id)²."""
    return float(np.mean((np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) ** 2))


def match_ranks(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rank (1 = best) of b_i among all rows of b by cosine similarity to a_i; ties count against it."""
    return counterpart_ranks(cosine_matrix(a, b))


def counterpart_ranks(s: np.ndarray) -> np.ndarray:
    """Rank (1 = best) of column i in row i of a similarity matrix S; ties count against it."""
    return np.sum(s >= np.diag(s)[:, None], axis=1)


def matching(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(top-1, MRR): the fraction of rows whose nearest row of b is their counterpart, and the mean
    reciprocal rank of the counterpart b_i among all rows of b."""
    scores = recall_and_mrr(match_ranks(a, b), ks=(1,))
    return scores["r@1"], scores["mrr"]


def class_ranks(s: np.ndarray, query_labels: np.ndarray, item_labels: np.ndarray) -> np.ndarray:
    """Rank (1 = best) of each query's class among the classes of the items, each class scored by its most
    similar item: 1 + the number of other classes whose best item is at least as similar (ties count against).
    For items that repeat one vector per class (a word's text) it is the rank of the true word; for items of
    many kinds per class (a word's recordings), the rank at which its first recording comes."""
    order = np.argsort(item_labels, kind="stable")
    classes, starts = np.unique(item_labels[order], return_index=True)
    best = np.maximum.reduceat(s[:, order], starts, axis=1)  # each class's most similar item, per query
    own = best[np.arange(len(s)), np.searchsorted(classes, query_labels)]
    return np.sum(best >= own[:, None], axis=1)


def recall_and_mrr(ranks: np.ndarray, ks: tuple[int, ...] = (1, 5, 10)) -> dict[str, float]:
    """Recall@k (share of ranks ≤ k) for each k, and the mean reciprocal rank."""
    return {**{f"r@{k}": float(np.mean(ranks <= k)) for k in ks}, "mrr": float(np.mean(1.0 / ranks))}


def top_k(s: np.ndarray, k: int) -> np.ndarray:
    """Column indices of each row's k largest entries of a similarity matrix S (unordered within the k)."""
    return np.argpartition(-s, k - 1, axis=1)[:, :k]


def knn_sets(x: np.ndarray, k: int) -> np.ndarray:
    """Indices of each row's k nearest other rows by cosine similarity (unordered within the k)."""
    s = cosine_matrix(x, x)
    np.fill_diagonal(s, -np.inf)
    return top_k(s, k)


def jaccard_at_k(a: np.ndarray, b: np.ndarray, k: int = 10) -> float:
    """mean_i |N_a(i) ∩ N_b(i)| / |N_a(i) ∪ N_b(i)|, with N the k nearest neighbours within each space."""
    return jaccard_of_sets(knn_sets(a, k), knn_sets(b, k))


def retrieval_jaccard(a: np.ndarray, b: np.ndarray, k: int = 10) -> float:
    """mean_i J(R(i), N(i)): R(i) the k rows of b nearest to a_i, N(i) the k rows of b nearest to b_i (b_i
    itself among them), J the Jaccard index. Both neighbourhoods are taken in b's space, so it is 1 for a = b
    and ≈ k / (2n) for a unrelated to b (Moschella et al. 2023, Table 1's Jaccard)."""
    return jaccard_of_sets(top_k(cosine_matrix(a, b), k), top_k(cosine_matrix(b, b), k))


def jaccard_of_sets(na: np.ndarray, nb: np.ndarray) -> float:
    """mean_i |na_i ∩ nb_i| / |na_i ∪ nb_i| for index sets of k distinct neighbours per row."""
    shared = neighbours_in_common(na, nb)
    return float(np.mean(shared / (2 * na.shape[1] - shared)))


def neighbours_in_common(na: np.ndarray, nb: np.ndarray) -> np.ndarray:
    """|N_a(i) ∩ N_b(i)| per row, for index sets of distinct neighbours (N × k each)."""
    rows = np.arange(len(na))[:, None]
    member = np.zeros((len(na), int(max(na.max(), nb.max())) + 1), dtype=bool)
    member[rows, na] = True
    return member[rows, nb].sum(axis=1)


def linear_cka(x: np.ndarray, y: np.ndarray) -> float:
    """Linear CKA (Kornblith et al., 2019): ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F) on column-centred X, Y.

    1 for spaces equal up to rotation, isotropic scaling and translation; dims may differ.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    x, y = x - x.mean(axis=0), y - y.mean(axis=0)
    cross = np.linalg.norm(y.T @ x) ** 2
    return float(cross / max(np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y), EPS))


def mutual_knn(x: np.ndarray, y: np.ndarray, k: int = 10) -> float:
    """Mutual k-NN alignment (Huh et al., 2024): mean_i |N_x(i) ∩ N_y(i)| / k, neighbours by cosine."""
    return float(np.mean(neighbours_in_common(knn_sets(x, k), knn_sets(y, k)) / k))
