"""Architectures trained here, generic over the input shape ((C, H, W) images; (F,) node features with the
task's graph for the GNNs of `bench.encoders.gnn`; (V,) word ids with the task's corpus for the text encoders of
`bench.encoders.text`; recording ids with the task's recordings for the audio encoders of `bench.encoders.audio`).

Each builder returns a module with `encode(x) → latent` (N × dim). Classifiers add a linear head on the
latent (`forward` gives logits); autoencoders add a decoder (`forward` gives the reconstruction and
`decode(z)` maps a latent back to an input). The latent is the last hidden layer before the head.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from typing import Any, Literal

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

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.encode(x))


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
    c = shape[0]
    return nn.Sequential(
        nn.Conv2d(c, width, 3, padding=1), nn.ReLU(),
        nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(2 * width, 2 * width, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2),
        nn.Flatten(), nn.Linear(8 * width, dim), nn.ReLU(),
    )  # fmt: skip


def resnet_body(shape: Shape, dim: int, width: int = 32) -> nn.Module:
    """A small residual net from torchvision's BasicBlock: stem, two stages, global pooling."""
    c = shape[0]
    down = nn.Sequential(nn.Conv2d(width, 2 * width, 1, stride=2, bias=False), nn.BatchNorm2d(2 * width))
    return nn.Sequential(
        nn.Conv2d(c, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
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

    def build(self, shape: Shape, dim: int, n_classes: int, **context: Any) -> nn.Module:
        """The model for inputs of `shape`; `context` is what the task adds (a node task's graph)."""
        module, _, function = self.builder.partition(":")
        body = getattr(importlib.import_module(module), function)
        if self.objective == "autoencoder":
            return body(shape, dim, **context)
        return Classifier(body(shape, dim, **context), dim, n_classes)


def _architectures(*archs: Architecture) -> Registry[Architecture]:
    return Registry.of("architecture", {a.name: a for a in archs}, __name__)


HERE = __name__
ARCHITECTURES = _architectures(
    Architecture("mlp", "classification", f"{HERE}:mlp_body", "2-layer MLP on flattened pixels"),
    Architecture("cnn", "classification", f"{HERE}:cnn_body", "3-layer CNN, max-pool, 2×2 average pool"),
    Architecture("resnet", "classification", f"{HERE}:resnet_body", "stem + 2 torchvision BasicBlocks, global pool"),
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
