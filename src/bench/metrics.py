"""Metrics, as torch functions of tensors on any device (each tested on hand-computed cases).

Pairs are aligned by row: row i of `a` and row i of `b` are the same sample seen in two spaces. Similarities are
cosine similarities; ties in ranks count against the true match (pessimistic). Whatever compares every row
with every row works in blocks of `BLOCK` rows, so no N × N matrix is ever held (extra memory O(N · BLOCK)).
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch import Tensor

EPS = 1e-12
BLOCK = 1024


def accuracy(y_true: Tensor, y_pred: Tensor) -> float:
    """The share of correct predictions, counted exactly (correct / n in Python floats)."""
    return int((y_true.to(y_pred.device) == y_pred).sum()) / len(y_true)


def macro_f1(y_true: Tensor, y_pred: Tensor) -> float:
    """Unweighted mean of per-class F1 over the classes present in `y_true` or `y_pred` (a class never predicted
    and never true is left out; F1 is 0 where precision and recall are both 0)."""
    y_true = y_true.to(y_pred.device).long()
    classes = torch.unique(torch.cat([y_true, y_pred.long()]))
    f1 = []
    for c in classes:
        tp = ((y_pred == c) & (y_true == c)).sum()
        denominator = (y_pred == c).sum() + (y_true == c).sum()
        f1.append(2 * int(tp) / int(denominator))
    return sum(f1) / len(f1)


def normalize_rows(x: Tensor) -> Tensor:
    return x / x.norm(dim=1, keepdim=True).clamp_min(EPS)


def mean_cosine(a: Tensor, b: Tensor) -> float:
    """mean_i cos(a_i, b_i)."""
    return float((normalize_rows(a) * normalize_rows(b)).sum(dim=1).mean())


def mse(a: Tensor, b: Tensor) -> float:
    """mean_i,d (a_id − b_id)²."""
    return float(((a - b) ** 2).mean())


def blocks(n: int) -> Iterator[slice]:
    """Slices of `BLOCK` consecutive rows covering n rows."""
    for start in range(0, n, BLOCK):
        yield slice(start, min(start + BLOCK, n))


def cosine_rows(a: Tensor, b: Tensor) -> Iterator[tuple[slice, Tensor]]:
    """(rows, S[rows]) for blocks of rows of S[i, j] = cos(a_i, b_j)."""
    an, bn = normalize_rows(a), normalize_rows(b)
    for rows in blocks(len(a)):
        yield rows, an[rows] @ bn.T


def counterpart_ranks(a: Tensor, b: Tensor) -> Tensor:
    """Rank (1 = best) of b_i among all rows of b by cosine similarity to a_i; ties count against it."""
    return torch.cat([block_ranks(rows, s) for rows, s in cosine_rows(a, b)])


def block_ranks(rows: slice, s: Tensor) -> Tensor:
    """`counterpart_ranks` of the block S[rows] (row r's counterpart is column rows.start + r)."""
    own = s[torch.arange(s.shape[0], device=s.device), torch.arange(rows.start, rows.stop, device=s.device)]
    return (s >= own[:, None]).sum(dim=1)


def counterpart_ranks_and_top_k(a: Tensor, b: Tensor, k: int) -> tuple[Tensor, Tensor]:
    """`counterpart_ranks(a, b)` and `top_k(a, b, k)` from one pass over the cosine blocks (the same blocks, so the
    same values, computed once)."""
    ranks, top = [], []
    for rows, s in cosine_rows(a, b):
        ranks.append(block_ranks(rows, s))
        top.append(s.topk(k, dim=1).indices)
    return torch.cat(ranks), torch.cat(top)


def recall_and_mrr(ranks: Tensor, ks: tuple[int, ...] = (1, 5, 10)) -> dict[str, float]:
    """Recall@k (share of ranks ≤ k) for each k, and the mean reciprocal rank."""
    ranks = ranks.double()
    return {**{f"r@{k}": float((ranks <= k).double().mean()) for k in ks}, "mrr": float((1.0 / ranks).mean())}


def class_ranks(a: Tensor, b: Tensor, query_labels: Tensor, item_labels: Tensor) -> Tensor:
    """Rank (1 = best) of each query's class (rows of `a`) among the classes of the items (rows of `b`), each
    class scored by its most similar item: 1 + the number of other classes whose best item is at least as
    similar (ties count against). For items that repeat one vector per class (a word's text) it is the rank of
    the true word; for items of many kinds per class (a word's recordings), the rank its first recording comes."""
    classes, item_class = torch.unique(item_labels, return_inverse=True)
    query_class = torch.searchsorted(classes, query_labels.to(classes.device))
    ranks = []
    for rows, s in cosine_rows(a, b):
        best = torch.full((s.shape[0], len(classes)), -torch.inf, dtype=s.dtype, device=s.device)
        best = best.scatter_reduce(1, item_class.expand(s.shape[0], -1), s, reduce="amax")
        own = best.gather(1, query_class[rows, None])
        ranks.append((best >= own).sum(dim=1))
    return torch.cat(ranks)


def top_k(a: Tensor, b: Tensor, k: int, exclude_self: bool = False) -> Tensor:
    """Indices of the k rows of b most similar (cosine) to each row of a (unordered within the k); with
    `exclude_self` (a and b the same rows), a row is not its own neighbour."""
    out = []
    for rows, s in cosine_rows(a, b):
        if exclude_self:
            s[
                torch.arange(s.shape[0], device=s.device), torch.arange(rows.start, rows.stop, device=s.device)
            ] = -torch.inf
        out.append(s.topk(k, dim=1).indices)
    return torch.cat(out)


def knn_sets(x: Tensor, k: int) -> Tensor:
    """Indices of each row's k nearest other rows by cosine similarity (unordered within the k)."""
    return top_k(x, x, k, exclude_self=True)


def neighbours_in_common(na: Tensor, nb: Tensor) -> Tensor:
    """|N_a(i) ∩ N_b(i)| per row, for index sets of distinct neighbours (N × k each)."""
    return (na[:, :, None] == nb[:, None, :]).any(dim=2).sum(dim=1)


def jaccard_of_sets(na: Tensor, nb: Tensor) -> float:
    """mean_i |na_i ∩ nb_i| / |na_i ∪ nb_i| for index sets of k distinct neighbours per row."""
    shared = neighbours_in_common(na, nb).double()
    return float((shared / (2 * na.shape[1] - shared)).mean())


def jaccard_at_k(a: Tensor, b: Tensor, k: int = 10) -> float:
    """mean_i |N_a(i) ∩ N_b(i)| / |N_a(i) ∪ N_b(i)|, with N the k nearest neighbours within each space."""
    return jaccard_of_sets(knn_sets(a, k), knn_sets(b, k))


def retrieval_jaccard(a: Tensor, b: Tensor, k: int = 10) -> float:
    """mean_i J(R(i), N(i)): R(i) the k rows of b nearest to a_i, N(i) the k rows of b nearest to b_i (b_i
    itself among them), J the Jaccard index. Both neighbourhoods are taken in b's space, so it is 1 for a = b
    and ≈ k / (2n) for a unrelated to b (Moschella et al. 2023, Table 1's Jaccard)."""
    return jaccard_of_sets(top_k(a, b, k), top_k(b, b, k))


def linear_cka(x: Tensor, y: Tensor) -> float:
    """Linear CKA (Kornblith et al., 2019): ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F) on column-centred X, Y (d × d Grams:
    no N × N matrix). 1 for spaces equal up to rotation, isotropic scaling and translation; dims may differ."""
    x, y = x.double(), y.double()
    x, y = x - x.mean(dim=0), y - y.mean(dim=0)
    cross = torch.linalg.norm(y.T @ x) ** 2
    return float(cross / (torch.linalg.norm(x.T @ x) * torch.linalg.norm(y.T @ y)).clamp_min(EPS))


def mutual_knn(x: Tensor, y: Tensor, k: int = 10) -> float:
    """Mutual k-NN alignment (Huh et al., 2024): mean_i |N_x(i) ∩ N_y(i)| / k, neighbours by cosine."""
    return float((neighbours_in_common(knn_sets(x, k), knn_sets(y, k)).double() / k).mean())
