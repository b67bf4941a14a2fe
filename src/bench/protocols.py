"""Protocols: how a cell is scored, declared once (`PROTOCOLS`: each protocol's metrics, the direction that is
better, what a task needs for it) and computed in torch, on the cell's device, in row blocks.

- stitched classification: the head (`bench.heads`: converged multinomial logistic regression) is fitted on the
  target's train samples in the method's common space and applied to the mapped source test samples
  (`stitched_acc`, `stitched_f1`) and to the target's own test samples (`method_nostitch_acc`, a diagnostic of
  the common space). The reference is the target's **native head**, fitted on the target's own raw space (one per
  task and target, the same for every method): `native_acc`, `stitched_gap` = stitched − native accuracy and the
  main score `stitched_ratio` = stitched / native accuracy. For a translator the common space is the target's raw
  space, so its head is the native head.
- translation fidelity: mapped source test samples against target test samples (same ids, same order):
  mean cosine, MSE, top-1 and MRR of the counterpart, `jaccard@10` (each space's own 10-NN sets agree) and
  `retrieval_jaccard@10` (the 10 target samples a mapped source sample retrieves vs its counterpart's 10 nearest).
- cross-modal retrieval: Recall@1/5/10 and MRR of the true class (a spoken word's written word, and back),
  mapped source test samples against target test samples and back; each class scored by its best sample.
- own decoder: no head fitted at stitching time; the target model's own trained decoder classifies. A translator's
  mapped source latents go to it (`decoder_acc`; the latent-space-translation protocol); for a relative-trained
  target, the `relative` projector's source representations on the target's training anchors go to its relative
  decoder (the relative-representations protocol) — only in the cells whose anchors are those training anchors
  (elsewhere the record notes it as not applicable). `decoder_native_acc` is the target model's own accuracy,
  `decoder_ratio` their ratio.
- reconstruction: the target autoencoder's decoder fed the translated source latents, MSE to the inputs.
- similarity: diagnostics of the raw pair, independent of the method: linear CKA and mutual k-NN of the
  source and target test spaces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from torch import Tensor

from bench import metrics
from bench.heads import Head, fit_head
from bench.registry import Registry

JACCARD_K = 10
MUTUAL_K = 10

Direction = Literal["higher", "lower"]


@dataclass
class Target:
    """A target's samples in a common space (or its raw space), with what every cell of that target shares,
    computed when first asked: the head fitted on its train samples and its test samples' neighbour sets."""

    train: Tensor
    train_labels: Tensor
    test: Tensor
    test_labels: Tensor
    n_classes: int
    _head: Head | None = field(default=None, repr=False)
    _neighbours: tuple[Tensor, Tensor] | None = field(default=None, repr=False)
    _reference: dict[str, float] | None = field(default=None, repr=False)

    def head(self) -> Head:
        if self._head is None:
            self._head = fit_head(self.train, self.train_labels, self.n_classes)
        return self._head

    def reference(self) -> dict[str, float]:
        """The head's accuracy and macro-F1 on the target's own test samples."""
        if self._reference is None:
            predicted = self.head().predict(self.test)
            self._reference = {
                "acc": metrics.accuracy(self.test_labels, predicted),
                "f1": metrics.macro_f1(self.test_labels, predicted),
            }
        return self._reference

    def neighbours(self) -> tuple[Tensor, Tensor]:
        """Each test sample's JACCARD_K nearest other test samples, and its JACCARD_K nearest with itself."""
        if self._neighbours is None:
            self._neighbours = (metrics.knn_sets(self.test, JACCARD_K), metrics.top_k(self.test, self.test, JACCARD_K))
        return self._neighbours


@dataclass(frozen=True)
class CellView:
    """What a protocol sees of one cell: the mapped source test samples, the target side in the common space,
    the target's raw space (its head is the native head), and what the cell's protocols may need besides."""

    source_test: Tensor
    target: Target
    native: Target
    pair_similarity: Callable[[], dict[str, float]]
    reconstruct: Callable[[Tensor], dict[str, float]] | None = None
    own_decoder: Callable[[], dict[str, float]] | None = None


def stitched_classification(v: CellView) -> dict[str, float]:
    head = v.target.head()
    stitched = head.predict(v.source_test)
    acc, native = metrics.accuracy(v.target.test_labels, stitched), v.native.reference()["acc"]
    return {
        "stitched_acc": acc,
        "stitched_f1": metrics.macro_f1(v.target.test_labels, stitched),
        "method_nostitch_acc": v.target.reference()["acc"],
        "native_acc": native,
        "native_f1": v.native.reference()["f1"],
        "stitched_gap": acc - native,
        "stitched_ratio": acc / native if native > 0 else float("nan"),
    }


def translation_fidelity(v: CellView) -> dict[str, float]:
    a, b = v.source_test, v.target.test
    ranks, retrieved = metrics.counterpart_ranks_and_top_k(a, b, JACCARD_K)
    others, own = v.target.neighbours()
    return {
        "cosine": metrics.mean_cosine(a, b),
        "mse": metrics.mse(a, b),
        "top1": float((ranks == 1).double().mean()),
        "mrr": float((1.0 / ranks.double()).mean()),
        f"jaccard@{JACCARD_K}": metrics.jaccard_of_sets(metrics.knn_sets(a, JACCARD_K), others),
        f"retrieval_jaccard@{JACCARD_K}": metrics.jaccard_of_sets(retrieved, own),
    }


def cross_modal_retrieval(v: CellView) -> dict[str, float]:
    """Retrieval by class (the word) in both directions: each mapped source test sample ranks the target test
    samples' classes (`src2tgt_*`), and each target test sample the source's (`tgt2src_*`)."""
    a, b, labels = v.source_test, v.target.test, v.target.test_labels
    forward = metrics.recall_and_mrr(metrics.class_ranks(a, b, labels, labels))
    backward = metrics.recall_and_mrr(metrics.class_ranks(b, a, labels, labels))
    return {**{f"src2tgt_{k}": x for k, x in forward.items()}, **{f"tgt2src_{k}": x for k, x in backward.items()}}


def own_decoder(v: CellView) -> dict[str, float]:
    return v.own_decoder() if v.own_decoder is not None else {}


def reconstruction(v: CellView) -> dict[str, float]:
    return v.reconstruct(v.source_test) if v.reconstruct is not None else {}


def similarity(v: CellView) -> dict[str, float]:
    return v.pair_similarity()


def raw_similarity(source_test: Tensor, target_test: Tensor) -> dict[str, float]:
    """Linear CKA and mutual k-NN of a raw pair's test spaces."""
    return {
        "cka": metrics.linear_cka(source_test, target_test),
        f"mutual_knn@{MUTUAL_K}": metrics.mutual_knn(source_test, target_test, MUTUAL_K),
    }


def reconstruction_mse(decoded: Tensor, inputs: Tensor) -> dict[str, float]:
    return {"reconstruction_mse": metrics.mse(decoded.reshape(len(decoded), -1), inputs.reshape(len(inputs), -1))}


@dataclass(frozen=True)
class Protocol:
    """How a cell is scored: the metrics it records (each with the direction that is better), what a task must
    have for it (`classes`: two or more classes), and its scoring function."""

    name: str
    metrics: dict[str, Direction]
    score: Callable[[CellView], dict[str, float]]
    needs: frozenset[str] = frozenset()


def _protocols(*declared: Protocol) -> Registry[Protocol]:
    return Registry.of("protocol", {p.name: p for p in declared}, __name__)


PROTOCOLS = _protocols(
    Protocol(
        "stitched_classification",
        {"stitched_acc": "higher", "stitched_f1": "higher", "method_nostitch_acc": "higher", "native_acc": "higher",
         "native_f1": "higher", "stitched_gap": "higher", "stitched_ratio": "higher"},
        stitched_classification,
        frozenset({"classes"}),
    ),
    Protocol(
        "translation_fidelity",
        {"cosine": "higher", "mse": "lower", "top1": "higher", "mrr": "higher", f"jaccard@{JACCARD_K}": "higher",
         f"retrieval_jaccard@{JACCARD_K}": "higher"},
        translation_fidelity,
    ),
    Protocol(
        "cross_modal_retrieval",
        {f"{d}_{m}": "higher" for d in ("src2tgt", "tgt2src") for m in ("r@1", "r@5", "r@10", "mrr")},
        cross_modal_retrieval,
    ),
    Protocol(
        "own_decoder",
        {"decoder_acc": "higher", "decoder_native_acc": "higher", "decoder_ratio": "higher"},
        own_decoder,
        frozenset({"classes"}),
    ),
    Protocol("reconstruction", {"reconstruction_mse": "lower"}, reconstruction),
    Protocol("similarity", {"cka": "higher", f"mutual_knn@{MUTUAL_K}": "higher"}, similarity),
)  # fmt: skip


def protocol_metrics(names: tuple[str, ...]) -> dict[str, Direction]:
    """Every metric the named protocols record, with its direction."""
    return {m: d for name in names for m, d in PROTOCOLS.get(name).metrics.items()}


def directions() -> dict[str, Direction]:
    """Every metric any protocol records, with its direction."""
    return protocol_metrics(tuple(PROTOCOLS.names()))
