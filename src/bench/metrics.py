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
    s = cosine_matrix(a, b)
    return np.sum(s >= np.diag(s)[:, None], axis=1)


def top1_matching(a: np.ndarray, b: np.ndarray) -> float:
    """Fraction of rows whose nearest neighbour in b is their own counterpart."""
    return float(np.mean(match_ranks(a, b) == 1))


def mrr(a: np.ndarray, b: np.ndarray) -> float:
    """Mean reciprocal rank of the counterpart b_i among all rows of b."""
    return float(np.mean(1.0 / match_ranks(a, b)))


def knn_sets(x: np.ndarray, k: int) -> np.ndarray:
    """Indices of each row's k nearest other rows by cosine similarity (unordered within the k)."""
    s = cosine_matrix(x, x)
    np.fill_diagonal(s, -np.inf)
    return np.argpartition(-s, k - 1, axis=1)[:, :k]


def jaccard_at_k(a: np.ndarray, b: np.ndarray, k: int = 10) -> float:
    """mean_i |N_a(i) ∩ N_b(i)| / |N_a(i) ∪ N_b(i)|, with N the k nearest neighbours within each space."""
    na, nb = knn_sets(a, k), knn_sets(b, k)
    scores = [len(set(p) & set(q)) / len(set(p) | set(q)) for p, q in zip(na, nb, strict=True)]
    return float(np.mean(scores))
