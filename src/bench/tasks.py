"""The task contract: data with labels, an encoder roster, default pairs, protocols and provenance.

A task says what it is (metadata), gives its splits (`load_split`) and what its encoders need besides the inputs
(`context`), names its encoders (`roster`) and the pairs a suite stitches (`default_pairs`, `pair_kind`).
`tests/tasks/test_task_contract.py` checks every registered task against it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import torch

from bench.encoders import EncoderSpec
from bench.errors import BenchError, UnknownName

Modality = Literal["images", "text", "audio", "graphs", "crossmodal"]


@dataclass(frozen=True)
class Split:
    """One split of a task: model inputs, integer labels and stable sample ids (same order)."""

    inputs: torch.Tensor
    labels: np.ndarray
    ids: np.ndarray


class Task:
    """Subclass and set the class attributes; implement `load_split` and `roster`."""

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    modality: ClassVar[Modality]
    description: ClassVar[str] = ""
    provenance: ClassVar[str] = ""
    licence: ClassVar[str] = ""
    n_classes: ClassVar[int]
    splits: ClassVar[tuple[str, ...]] = ("train", "test")
    protocols: ClassVar[tuple[str, ...]] = ("stitched_classification", "translation_fidelity", "similarity")
    main_score: ClassVar[str] = "stitched_ratio"
    #: Whether `tasks = ["*"]` in a manifest includes it (full-size variants are named explicitly instead).
    in_default_suite: ClassVar[bool] = True
    #: Shape of one input sample, for the architectures trained here (e.g. (1, 8, 8) for 8×8 grey images).
    input_shape: ClassVar[tuple[int, ...]] = ()
    #: Optional extras of `pyproject.toml` its data needs (its encoders' needs are known from their specs).
    requires: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_protocols(cls)

    def load_split(self, split: str) -> Split:
        raise NotImplementedError

    def roster(self) -> list[EncoderSpec]:
        raise NotImplementedError

    def encoder_training_split(self) -> Split:
        """The samples its encoders trained here learn from: the train split, unless the task gives them more
        (never a test sample); anchors, heads and unpaired samples always come from the train split."""
        return self.load_split("train")

    def pair_kind(self, source: EncoderSpec, target: EncoderSpec) -> str:
        """How a pair is grouped in the tables: `self`, `cross-seed` or `cross-architecture` (a cross-modal task
        names the direction instead)."""
        return pair_kind(source, target)

    def embedding_task(self, spec: EncoderSpec) -> str:
        """The name of the task whose samples `spec` encodes: this one, or another with the same samples, ids,
        splits and labels, whose cached spaces and checkpoints are then shared (encoded and trained once)."""
        return self.name

    def context(self) -> dict[str, Any]:
        """What its encoders need besides the inputs: a node task's `graph`, a text task's `corpus`, an audio
        task's `recordings`, stored `images` its inputs index (`bench.data`)."""
        return {}

    def encoder(self, name: str) -> EncoderSpec:
        specs = {s.name: s for s in self.roster()}
        if name not in specs:
            raise UnknownName(f"encoder of task {self.name!r}", name, specs)
        return specs[name]

    def default_pairs(self) -> list[tuple[str, str]]:
        """The pairs a manifest's `pairs = "all"` means: all ordered pairs of the encoders trained the usual way
        (or frozen), self pairs included, and the pairs of relative-trained encoders of one architecture (across
        seeds, and self), the relative-representations paper's stitching setting (a cross-modal task gives only
        the pairs across modalities)."""
        specs = self.roster()
        return [
            (s.name, t.name)
            for s, t in itertools.product(specs, specs)
            if not (s.relative or t.relative) or (s.relative and t.relative and s.architecture == t.architecture)
        ]

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {
            "task": cls.name,
            "version": cls.version,
            "modality": cls.modality,
            "classes": cls.n_classes,
            "protocols": ", ".join(cls.protocols),
            "main score": cls.main_score,
            "licence": cls.licence,
            "provenance": cls.provenance,
        }


def check_protocols(task: type[Task]) -> None:
    """A task's `protocols` are registered protocols, its `main_score` is one of their metrics, and a protocol
    that needs classes gets them: checked when the task class is defined, so a typo is an error, not a protocol
    silently left out."""
    from bench.protocols import PROTOCOLS, protocol_metrics

    where = f"task {getattr(task, 'name', task.__name__)!r}"
    for name in task.protocols:
        if name not in PROTOCOLS.names():
            raise UnknownName(f"protocol in {where}", name, PROTOCOLS.names())
    metrics = protocol_metrics(task.protocols)
    if task.main_score not in metrics:
        raise UnknownName(f"main score of {where} (a metric of its protocols)", task.main_score, metrics)
    classes = getattr(task, "n_classes", None)
    needing = [n for n in task.protocols if "classes" in PROTOCOLS.get(n).needs]
    if classes is not None and classes < 2 and needing:
        raise BenchError(f"{where} has {classes} classes; protocol {needing[0]!r} needs two or more")


def grey_split(
    images: np.ndarray, labels: np.ndarray, rows: np.ndarray, size: int | None = None, first_id: int = 0
) -> Split:
    """Rows `rows` of uint8 grey images (N × H × W) as floats in [0, 1] shaped N × 1 × H × W, with `labels[rows]`;
    with `size`, a stratified subset of that many of them (seed 0), in ascending order. A sample's id is its row
    plus `first_id` (so that the ids of a data set's splits do not overlap)."""
    if size is not None:
        from sklearn.model_selection import train_test_split

        rows, _ = train_test_split(rows, train_size=size, stratify=labels[rows], random_state=0)
        rows = np.sort(rows)
    inputs = torch.as_tensor(images[rows], dtype=torch.float32).unsqueeze(1) / 255.0
    return Split(inputs, labels[rows], rows + first_id)


def both_ways(first: Sequence[str], second: Sequence[str]) -> list[tuple[str, str]]:
    """Every (first, second) pair of encoder names and its reverse: a cross-modal task's pairs."""
    pairs = [(a, b) for a in first for b in second]
    return pairs + [(b, a) for a, b in pairs]


def pair_kind(source: EncoderSpec, target: EncoderSpec) -> str:
    """`self`, `cross-seed` (same architecture, other seed) or `cross-architecture`."""
    if source.name == target.name:
        return "self"
    if source.architecture == target.architecture:
        return "cross-seed"
    return "cross-architecture"
