"""Protocols: how a cell is scored, given the spaces mapped into the method's common space.

- stitched classification: a head (standard scaling + multinomial logistic regression, deterministic
  L-BFGS) is fitted on the target's train samples in the common space and evaluated on the mapped source
  test samples (`stitched_*`), and on the target's own test samples (`nostitch_*`, the reference);
  `stitched_gap` = stitched − no-stitch accuracy, `stitched_ratio` = stitched / no-stitch accuracy.
- translation fidelity: mapped source test samples against target test samples (same ids, same order):
  mean cosine, MSE, top-1 and MRR of the counterpart, `jaccard@10` (each space's own 10-NN sets agree) and
  `retrieval_jaccard@10` (the 10 target samples a mapped source sample retrieves vs its counterpart's 10 nearest).
- cross-modal retrieval: Recall@1/5/10 and MRR of the true class (a spoken word's written word, and back),
  mapped source test samples against target test samples and back; each class scored by its best sample.
- reconstruction: the target autoencoder's decoder fed the translated source latents, MSE to the inputs.
- similarity: diagnostics of the raw pair, independent of the method: linear CKA and mutual k-NN of the
  source and target test spaces.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from bench import metrics
from bench.registry import Registry

JACCARD_K = 10
MUTUAL_K = 10

Direction = Literal["higher", "lower"]


@dataclass(frozen=True)
class Protocol:
    """How a cell is scored: the metrics it records (each with the direction that is better) and what a task
    must have for it (`labels`: classes of its samples; `decoder`: an autoencoder target)."""

    name: str
    metrics: dict[str, Direction]
    needs: frozenset[str] = frozenset()


def _protocols(*declared: Protocol) -> Registry[Protocol]:
    return Registry.of("protocol", {p.name: p for p in declared}, __name__)


PROTOCOLS = _protocols(
    Protocol(
        "stitched_classification",
        {"stitched_acc": "higher", "stitched_f1": "higher", "nostitch_acc": "higher", "nostitch_f1": "higher",
         "stitched_gap": "higher", "stitched_ratio": "higher"},
        frozenset({"labels"}),
    ),
    Protocol(
        "translation_fidelity",
        {"cosine": "higher", "mse": "lower", "top1": "higher", "mrr": "higher", f"jaccard@{JACCARD_K}": "higher",
         f"retrieval_jaccard@{JACCARD_K}": "higher"},
    ),
    Protocol(
        "cross_modal_retrieval",
        {f"{d}_{m}": "higher" for d in ("s2t", "t2s") for m in ("r@1", "r@5", "r@10", "mrr")},
        frozenset({"labels"}),
    ),
    Protocol("reconstruction", {"reconstruction_mse": "lower"}, frozenset({"decoder"})),
    Protocol("similarity", {"cka": "higher", f"mutual_knn@{MUTUAL_K}": "higher"}),
)  # fmt: skip


def protocol_metrics(names: tuple[str, ...]) -> dict[str, Direction]:
    """Every metric the named protocols record, with its direction."""
    return {m: d for name in names for m, d in PROTOCOLS.get(name).metrics.items()}


@dataclass(frozen=True)
class Mapped:
    """A cell's samples in the common space (float arrays) with their labels."""

    target_train: np.ndarray
    target_train_labels: np.ndarray
    target_test: np.ndarray
    source_test: np.ndarray
    test_labels: np.ndarray


@dataclass(frozen=True)
class FittedHead:
    """A head fitted on the target's train samples, with its no-stitch scores on the target's test samples."""

    head: Pipeline
    reference: dict[str, float]


def digest(*arrays: np.ndarray) -> str:
    """A key for the content of arrays: their shapes, dtypes and bytes."""
    h = hashlib.sha1()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.shape}{a.dtype}".encode() + a.tobytes())
    return h.hexdigest()


class ContentCache:
    """A bounded LRU of values computed from arrays, keyed by the arrays' content: every translator
    cell of a target shares its target-side head and neighbour sets."""

    def __init__(self, size: int = 64):
        self.size, self._values = size, OrderedDict[str, object]()

    def get(self, arrays: tuple[np.ndarray, ...], compute: Callable[..., Any]) -> Any:
        """`compute(*arrays)`, or the value it gave before for arrays of the same content."""
        key = digest(*arrays)
        if key in self._values:
            self._values.move_to_end(key)
            return self._values[key]
        value = self._values[key] = compute(*arrays)
        if len(self._values) > self.size:
            self._values.popitem(last=False)
        return value


def fit_head(
    target_train: np.ndarray, train_labels: np.ndarray, target_test: np.ndarray, test_labels: np.ndarray
) -> FittedHead:
    """The head on the target's train samples, with its no-stitch scores on the target's test samples."""
    head = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, tol=1e-3))
    head.fit(target_train, train_labels)
    reference = head.predict(target_test)
    return FittedHead(
        head,
        {
            "nostitch_acc": metrics.accuracy(test_labels, reference),
            "nostitch_f1": metrics.macro_f1(test_labels, reference),
        },
    )


HEADS = ContentCache()
NEIGHBOURS = ContentCache()


def stitched_classification(m: Mapped) -> dict[str, float]:
    fitted = HEADS.get((m.target_train, m.target_train_labels, m.target_test, m.test_labels), fit_head)
    stitched = fitted.head.predict(m.source_test)
    acc, ref = metrics.accuracy(m.test_labels, stitched), fitted.reference["nostitch_acc"]
    return {
        "stitched_acc": acc,
        "stitched_f1": metrics.macro_f1(m.test_labels, stitched),
        **fitted.reference,
        "stitched_gap": acc - ref,
        "stitched_ratio": acc / ref if ref > 0 else float("nan"),
    }


def target_neighbourhoods(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each target row's k nearest other rows, and its k nearest rows with itself among them."""
    s = metrics.cosine_matrix(b, b)
    own = metrics.top_k(s, JACCARD_K)
    np.fill_diagonal(s, -np.inf)
    return metrics.top_k(s, JACCARD_K), own


def translation_fidelity(m: Mapped) -> dict[str, float]:
    a, b = m.source_test, m.target_test
    s = metrics.cosine_matrix(a, b)
    ranks = metrics.recall_and_mrr(metrics.counterpart_ranks(s), ks=(1,))
    others, own = NEIGHBOURS.get((b,), target_neighbourhoods)
    return {
        "cosine": metrics.mean_cosine(a, b),
        "mse": metrics.mse(a, b),
        "top1": ranks["r@1"],
        "mrr": ranks["mrr"],
        f"jaccard@{JACCARD_K}": metrics.jaccard_of_sets(metrics.knn_sets(a, JACCARD_K), others),
        f"retrieval_jaccard@{JACCARD_K}": metrics.jaccard_of_sets(metrics.top_k(s, JACCARD_K), own),
    }


def cross_modal_retrieval(m: Mapped) -> dict[str, float]:
    """Retrieval by class (the word) in both directions: each mapped source test sample ranks the target test
    samples' classes (`s2t_*`), and each target test sample the source's (`t2s_*`)."""
    s = metrics.cosine_matrix(m.source_test, m.target_test)
    labels = m.test_labels
    forward = metrics.recall_and_mrr(metrics.class_ranks(s, labels, labels))
    backward = metrics.recall_and_mrr(metrics.class_ranks(s.T, labels, labels))
    return {**{f"s2t_{k}": v for k, v in forward.items()}, **{f"t2s_{k}": v for k, v in backward.items()}}


def reconstruction(decoded: np.ndarray, inputs: np.ndarray) -> dict[str, float]:
    return {"reconstruction_mse": metrics.mse(decoded.reshape(len(decoded), -1), inputs.reshape(len(inputs), -1))}


def similarity(source_test: np.ndarray, target_test: np.ndarray) -> dict[str, float]:
    return {
        "cka": metrics.linear_cka(source_test, target_test),
        f"mutual_knn@{MUTUAL_K}": metrics.mutual_knn(source_test, target_test, MUTUAL_K),
    }
