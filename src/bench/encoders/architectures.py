"""Architectures trained here, generic over the input shape ((C, H, W) images; (F,) node features with the
task's graph for the GNNs of `bench.encoders.gnn`; (V,) word ids with the task's corpus for the text encoders of
`bench.encoders.text`; recording ids with the task's recordings for the audio encoders of `bench.encoders.audio`).

Each builder returns a module with `encode(x) → latent` (N × dim). Classifiers add a head on the latent
(`forward` gives logits, `classify(z)` the trained decoder applied to latents of this model's space): a linear
layer (absolute), or a relative projection on fixed anchors followed by a relative decoder (relative, as the
relative-representations paper trains them). Autoencoders add a decoder (`forward` gives the reconstruction and
`decode(z)` maps a latent back to an input). The latent is the last hidden layer before the head.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from typing import Any, Literal

import torch
from torch import Tensor, nn
from torchvision.models.resnet import BasicBlock

from bench.registry import Registry

Objective = Literal["classification", "autoencoder"]
Shape = tuple[int, ...]


class Classifier(nn.Module):
    def __init__(self, body: nn.Module, dim: int, n_classes: int):
        super().__init__()
        self.body = body
        self.head = nn.Linear(dim, n_classes)

    def encode(self, x: Tensor) -> Tensor:
        return self.body(x)

    def classify(self, z: Tensor) -> Tensor:
        """Logits of latents of this model's space, by its trained head."""
        return self.head(z)

    def forward(self, x: Tensor) -> Tensor:
        return self.classify(self.encode(x))


class RelativeClassifier(nn.Module):
    """A body, a relative projection on fixed anchors, and a relative decoder, trained end to end (Moschella et
    al., ICLR 2023):

        z = body(x),   a_j = body(anchor_j)  (the same weights, in the same step, without gradient)
        r = [cos(z, a_j)]_j,   logits = decoder(r),
        decoder = LayerNorm(k) → Linear(k → h) → LayerNorm(h) → ReLU → Linear(h → C)

    As the authors' code (lucmos/relreps, `RelResNet`) does, the anchors are encoded at every step under
    `torch.no_grad()`, the similarities are layer-normalised over the anchors (their `output_normalization_mode:
    layernorm`), then a linear map, a normalised block and the class layer; here the block is one LayerNorm and
    ReLU (theirs adds dropout and a residual MLP). The first LayerNorm matters: at initialisation a sample's
    similarities to all anchors are nearly equal, and without it the decoder sees almost the same vector for every
    sample (the log-mel encoders then stay at chance for epochs). `anchors` are the anchors' inputs (rows of the
    train split); they are data, not state, and stay out of the checkpoint.
    """

    def __init__(self, body: nn.Module, n_classes: int, anchors: Tensor, hidden: int = 128):
        super().__init__()
        self.body = body
        self.register_buffer("anchors", anchors, persistent=False)
        self.decoder = nn.Sequential(
            nn.LayerNorm(len(anchors)),
            nn.Linear(len(anchors), hidden), nn.LayerNorm(hidden), nn.ReLU(), nn.Linear(hidden, n_classes),
        )  # fmt: skip
        self._anchor_latents: Tensor | None = None

    def encode(self, x: Tensor) -> Tensor:
        return self.body(x)

    def anchor_latents(self) -> Tensor:
        """The anchors in this model's latent space (as in training when training, else once and kept)."""
        if self.training:
            self._anchor_latents = None
            with torch.no_grad():
                return self.body(self.anchors)
        if self._anchor_latents is None:
            with torch.no_grad():
                self._anchor_latents = self.body(self.anchors)
        return self._anchor_latents

    def relative(self, z: Tensor, anchor_latents: Tensor) -> Tensor:
        return nn.functional.normalize(z, dim=-1) @ nn.functional.normalize(anchor_latents, dim=-1).T

    def decode_relative(self, r: Tensor) -> Tensor:
        """Logits of relative representations (similarities to this model's training anchors, in their order)."""
        return self.decoder(r)

    def classify(self, z: Tensor) -> Tensor:
        """Logits of latents of this model's space: projected on its anchors, then decoded."""
        return self.decode_relative(self.relative(z, self.anchor_latents()))

    def forward(self, x: Tensor) -> Tensor:
        return self.classify(self.encode(x))

    def train(self, mode: bool = True) -> RelativeClassifier:
        self._anchor_latents = None
        return super().train(mode)


class AutoEncoder(nn.Module):
    def __init__(self, encoder: nn.Module, decoder: nn.Module, shape: Shape):
        super().__init__()
        self.encoder, self.decoder, self.shape = encoder, decoder, shape

    def encode(self, x: Tensor) -> Tensor:
        return self.encoder(x)

    def decode(self, z: Tensor) -> Tensor:
        return self.decoder(z).view(-1, *self.shape)

    def forward(self, x: Tensor) -> Tensor:
        return self.decode(self.encode(x))


def mlp_body(shape: Shape, dim: int, width: int = 256) -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(math.prod(shape), width), nn.ReLU(), nn.Linear(width, dim), nn.ReLU())


def cnn_body(shape: Shape, dim: int, width: int = 32) -> nn.Module:
    """Three 3×3 convolutions with batch norm, max-pooled after the first two, a 3×3 average pool, a linear
    layer to the latent."""
    c = shape[0]
    return nn.Sequential(
        nn.Conv2d(c, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(width, 2 * width, 3, padding=1, bias=False), nn.BatchNorm2d(2 * width), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(2 * width, 2 * width, 3, padding=1, bias=False), nn.BatchNorm2d(2 * width), nn.ReLU(),
        nn.AdaptiveAvgPool2d(3), nn.Flatten(), nn.Linear(18 * width, dim), nn.ReLU(),
    )  # fmt: skip


def resnet_body(shape: Shape, dim: int, width: int = 32) -> nn.Module:
    """A small residual net from torchvision's BasicBlock: stem and max pool, two stages, global pooling."""
    c = shape[0]
    down = nn.Sequential(nn.Conv2d(width, 2 * width, 1, stride=2, bias=False), nn.BatchNorm2d(2 * width))
    return nn.Sequential(
        nn.Conv2d(c, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2),
        BasicBlock(width, width),
        BasicBlock(width, 2 * width, stride=2, downsample=down),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2 * width, dim), nn.ReLU(),
    )  # fmt: skip


def mlp_autoencoder(shape: Shape, dim: int, width: int = 128) -> AutoEncoder:
    n = math.prod(shape)
    encoder = nn.Sequential(nn.Flatten(), nn.Linear(n, width), nn.ReLU(), nn.Linear(width, dim))
    decoder = nn.Sequential(nn.Linear(dim, width), nn.ReLU(), nn.Linear(width, n), nn.Sigmoid())
    return AutoEncoder(encoder, decoder, shape)


@dataclass(frozen=True)
class Architecture:
    """An architecture trained here: its objective, its body's builder as `module:function` (imported only when
    built, so that listing never imports torchaudio or torch_geometric), the optional extra that module needs,
    and a description."""

    name: str
    objective: Objective
    builder: str
    description: str
    extra: str | None = None

    def build(
        self, shape: Shape, dim: int, n_classes: int, relative_anchors: Tensor | None = None, **context: Any
    ) -> nn.Module:
        """The model for inputs of `shape`; `context` is what the task adds (a node task's graph). With
        `relative_anchors` (the anchors' inputs), a classifier is relative (`RelativeClassifier`)."""
        module, _, function = self.builder.partition(":")
        body = getattr(importlib.import_module(module), function)
        if self.objective == "autoencoder":
            return body(shape, dim, **context)
        if relative_anchors is not None:
            return RelativeClassifier(body(shape, dim, **context), n_classes, relative_anchors)
        return Classifier(body(shape, dim, **context), dim, n_classes)


def _architectures(*archs: Architecture) -> Registry[Architecture]:
    return Registry.of("architecture", {a.name: a for a in archs}, __name__)


HERE = __name__
ARCHITECTURES = _architectures(
    Architecture("mlp", "classification", f"{HERE}:mlp_body", "2-layer MLP on flattened pixels"),
    Architecture("cnn", "classification", f"{HERE}:cnn_body", "3 convolutions with batch norm, 2 max pools"),
    Architecture("resnet", "classification", f"{HERE}:resnet_body", "stem, max pool, 2 torchvision BasicBlocks"),
    Architecture("mlp-ae", "autoencoder", f"{HERE}:mlp_autoencoder", "MLP autoencoder, sigmoid decoder, MSE"),
    Architecture("gcn", "classification", "bench.encoders.gnn:gcn_body", "2-layer GCN (torch_geometric)", "graphs"),
    Architecture("sage", "classification", "bench.encoders.gnn:sage_body", "2-layer GraphSAGE, mean aggregation",
                 "graphs"),
    Architecture("gat", "classification", "bench.encoders.gnn:gat_body", "2-layer GAT, 4 heads", "graphs"),
    Architecture("gin", "classification", "bench.encoders.gnn:gin_body", "2-layer GIN (MLP updates)", "graphs"),
    Architecture("bow", "classification", "bench.encoders.text:BagOfWords", "bag-of-words MLP (mean word vector)"),
    Architecture("text-cnn", "classification", "bench.encoders.text:TextCNN",
                 "2 word convolutions, max over positions"),
    Architecture("mel-cnn", "classification", "bench.encoders.audio:mel_cnn",
                 "64-bin log-mel + 3 stride-2 convolutions", "audio"),
    Architecture("mel-conv1d", "classification", "bench.encoders.audio:mel_conv1d",
                 "64-bin log-mel + 3 temporal convolutions", "audio"),
)  # fmt: skip


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
