"""Encoders: the specification a task's roster holds, and its fingerprint.

A spec is pure data (listing a roster never builds a model). Kinds: `trained` (an architecture from the
architecture registry, trained here on the task's train split with a seed), `packaged` (weights shipped
inside a package) and `hub` (weights from a local cache or path).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import torch

from bench.cache import digest

EncoderKind = Literal["trained", "packaged", "hub"]

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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def fingerprint(task_name: str, task_version: str, spec: EncoderSpec) -> str:
    """Changes whenever the weights would: the task's data version, the spec, the code and torch release."""
    torch_release = ".".join(torch.__version__.split("+")[0].split(".")[:2])
    return digest(task_name, task_version, spec.as_dict(), ENCODER_CODE_VERSION, torch_release)
