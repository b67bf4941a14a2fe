"""Competence floors of the encoders trained here, so that a finding never rests on a broken encoder.

- A classifier must beat a **probe**: the suite's head (`bench.heads`, converged logistic regression) fitted on
  the task's raw inputs — pixels for images, bag-of-words counts of the corpus's `PROBE_WORDS` most frequent train
  words for text, the node features for graphs, the mean over time of the 64-bin log-mel spectrogram for audio —
  and scored on the test split. Word counts and node features are passed as sparse matrices (the head's products
  then cost O(non-zeros): the full-size tasks' floors take minutes, not hours).
- An autoencoder must reconstruct the test split better (lower MSE) than PCA with as many components as its
  latent has dimensions, fitted on the train split.

The floor of a task is computed once and kept in the cache (`floors/`). An encoder below its floor fails at
training time with a one-line error naming both numbers: it is never used.
"""

from __future__ import annotations

import json
from typing import Any

import torch
from torch import Tensor

from bench.atomic import write_json
from bench.cache import SpaceCache, digest
from bench.errors import BenchError
from bench.heads import fit_head
from bench.tasks import Split, Task

PROBE_VERSION = "1"
PROBE_WORDS = 2000


def raw_features(task: Task, split: Split) -> tuple[Tensor, str]:
    """A split's raw inputs as features, and what they are."""
    context = task.context()
    if "graph" in context:  # bag-of-words node features (0.3 % non-zero on WordNet's graph): sparse, as the counts
        return context["graph"].x[split.inputs].to_sparse(), "node features"
    if "corpus" in context and context["corpus"].n_words:
        return word_counts(context["corpus"].words, split.inputs, task), f"counts of the {PROBE_WORDS} commonest words"
    if "recordings" in context:
        from bench.encoders.audio import LogMel

        with torch.inference_mode():
            mel = LogMel()(context["recordings"].floats(split.inputs))
        return mel.mean(dim=-1).flatten(1), "mean log-mel spectrogram (64 bins)"
    return split.inputs.flatten(1).float(), "pixels"


def word_counts(words: Tensor, rows: Tensor, task: Task) -> Tensor:
    """Bag-of-words counts of the rows' texts over the PROBE_WORDS words most frequent in the train split, as a
    sparse COO rows × PROBE_WORDS matrix (never dense: the full-size text tasks have 65,692 train rows, and the
    head's products then cost O(non-zeros))."""
    vocabulary = int(words.max()) + 1
    totals = torch.bincount(words[task.load_split("train").inputs].flatten(), minlength=vocabulary).float()
    totals[:2] = 0  # padding and unknown words
    common = totals.argsort(descending=True, stable=True)[:PROBE_WORDS]
    column = torch.full((vocabulary,), -1)  # every other word: no column
    column[common] = torch.arange(len(common))
    column[:2] = -1
    w = column[words[rows]]
    row, position = (w >= 0).nonzero(as_tuple=True)
    index = torch.stack([row, w[row, position]])
    counts = torch.sparse_coo_tensor(index, torch.ones(len(row)), (len(w), len(common)), check_invariants=True)
    return counts.coalesce()


def floor(task: Task, objective: str, dim: int, cache: SpaceCache) -> dict[str, Any]:
    """The floor an encoder of `task` must beat: the probe's accuracy (classifiers), or PCA's reconstruction MSE
    at `dim` components (autoencoders); computed once and cached."""
    key = digest(task.name, task.version, objective, dim if objective == "autoencoder" else None, PROBE_VERSION)
    path = cache.root / "floors" / f"{task.name}-{key[:16]}.json"
    if path.is_file():
        return json.loads(path.read_text())
    train, test = task.load_split("train"), task.load_split("test")
    if objective == "autoencoder":
        found = {"floor_mse": pca_mse(train.inputs.flatten(1), test.inputs.flatten(1), dim), "floor": f"PCA-{dim}"}
    else:
        x_train, what = raw_features(task, train)
        x_test, _ = raw_features(task, test)
        head = fit_head(x_train, torch.as_tensor(train.labels), task.n_classes)
        accuracy = float((head.predict(x_test).cpu() == torch.as_tensor(test.labels)).double().mean())
        found = {"floor_accuracy": accuracy, "floor": f"logistic regression on {what}"}
    write_json(path, found)
    return found


def pca_mse(train: Tensor, test: Tensor, k: int) -> float:
    """MSE of the test rows reconstructed from the train rows' first k principal components."""
    train, test = train.double(), test.double()
    mean = train.mean(dim=0)
    _, _, vh = torch.linalg.svd(train - mean, full_matrices=False)
    basis = vh[:k]
    reconstructed = (test - mean) @ basis.T @ basis + mean
    return float(((reconstructed - test) ** 2).mean())


def check(name: str, report: dict[str, Any], found: dict[str, Any]) -> None:
    """Raise when a trained encoder's own score does not beat its floor."""
    if "floor_accuracy" in found and report["accuracy"] <= found["floor_accuracy"]:
        raise BenchError(
            f"encoder {name!r} reaches {report['accuracy']:.4f} test accuracy, not above its floor "
            f"{found['floor_accuracy']:.4f} ({found['floor']}): fix its training"
        )
    if "floor_mse" in found and report["reconstruction_mse"] >= found["floor_mse"]:
        raise BenchError(
            f"encoder {name!r} reconstructs with MSE {report['reconstruction_mse']:.5f}, not below its floor "
            f"{found['floor_mse']:.5f} ({found['floor']}): fix its training"
        )
