"""Encoder specs: what a task's roster holds (pure data: listing a roster builds nothing), and their fingerprint.

Kinds: `trained` (an architecture of `bench.encoders.architectures`, trained here on the task's train split with a
seed), `fitted` (fitted here without gradient training, e.g. word vectors with gensim), `packaged` (weights that
ship inside a pip package) and `hub` (weights from a local file or a library's cache). `bench.encoders.catalog`
says how each is built.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from bench.cache import digest

EncoderKind = Literal["trained", "fitted", "packaged", "hub"]
KINDS: tuple[EncoderKind, ...] = ("trained", "fitted", "packaged", "hub")

#: Bumped when the training or encoding code changes in a way that changes the weights or spaces
#: (2: training runs on one thread, so that its weights do not depend on the machine's core count; 3: batch norm
#: in the CNN, AdamW with a one-cycle schedule, competence floors).
ENCODER_CODE_VERSION = "3"


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

    @property
    def relative(self) -> bool:
        """Whether it is trained end to end through a relative projection (`training["relative"]`)."""
        return "relative" in self.training

    def as_dict(self) -> dict[str, Any]:
        """The spec as data; an empty `inputs` is left out (so it does not change a fingerprint)."""
        d = asdict(self)
        if not d["inputs"]:
            del d["inputs"]
        return d


def fingerprint(task_name: str, task_version: str, spec: EncoderSpec) -> str:
    """Changes whenever the weights would: the task's data version, the spec, the code and torch release."""
    import torch

    torch_release = ".".join(torch.__version__.split("+")[0].split(".")[:2])
    return digest(task_name, task_version, spec.as_dict(), ENCODER_CODE_VERSION, torch_release)


def trained_roster(architectures: dict[str, tuple[int, tuple[int, ...], dict[str, Any]]]) -> list[EncoderSpec]:
    """Specs of encoders trained here, from `architecture: (latent dim, seeds, training settings)` (the fields of
    `bench.encoders.training.TrainingConfig`), named `<architecture>-s<seed>` (`ae-s<seed>` for the MLP
    autoencoder)."""
    prefix = {"mlp-ae": "ae"}
    return [
        EncoderSpec(
            name=f"{prefix.get(arch, arch)}-s{seed}", architecture=arch, dim=dim, seed=seed, training=dict(training)
        )
        for arch, (dim, seeds, training) in architectures.items()
        for seed in seeds
    ]
