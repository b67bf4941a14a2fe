"""Architectures trained here, generic over the input shape ((C, H, W) images; (F,) node features with the
task's graph for the GNNs of `bench.gnn`; (V,) word ids with the task's corpus for the text encoders of
`bench.text`; recording ids with the task's recordings for the audio encoders of `bench.audio`).

Each builder returns a module with `encode(x) → latent` (N × dim). Classifiers add a linear head on the
latent (`forward` gives logits); autoencoders add a decoder (`forward` gives the reconstruction and
`decode(z)` maps a latent back to an input). The latent is the last hidden layer before the head.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import torch
from torch import Tensor, nn
from torchvision.models.resnet import BasicBlock

from bench import audio, gnn, text

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
    name: str
    objective: Objective
    build_module: Callable[..., nn.Module]
    description: str

    def build(self, shape: Shape, dim: int, n_classes: int, **context: Any) -> nn.Module:
        """The model for inputs of `shape`; `context` is what the task adds (a node task's graph)."""
        if self.objective == "autoencoder":
            return self.build_module(shape, dim, **context)
        return Classifier(self.build_module(shape, dim, **context), dim, n_classes)


ARCHITECTURES = (
    Architecture("mlp", "classification", mlp_body, "2-layer MLP on flattened pixels"),
    Architecture("cnn", "classification", cnn_body, "3-layer CNN, max-pool, 2×2 average pool"),
    Architecture("resnet", "classification", resnet_body, "stem + 2 torchvision BasicBlocks, global pool"),
    Architecture("mlp-ae", "autoencoder", mlp_autoencoder, "MLP autoencoder, sigmoid decoder, MSE"),
    Architecture("gcn", "classification", gnn.gcn_body, "2-layer GCN (torch_geometric), node tasks"),
    Architecture("sage", "classification", gnn.sage_body, "2-layer GraphSAGE, mean aggregation, node tasks"),
    Architecture("gat", "classification", gnn.gat_body, "2-layer GAT, 4 heads, node tasks"),
    Architecture("gin", "classification", gnn.gin_body, "2-layer GIN (MLP updates), node tasks"),
    Architecture("bow", "classification", text.BagOfWords, "bag-of-words MLP (mean word vector), text tasks"),
    Architecture("text-cnn", "classification", text.TextCNN, "2 word convolutions, max over positions, text tasks"),
    Architecture("mel-cnn", "classification", audio.mel_cnn, "64-bin log-mel + 3 stride-2 convolutions, audio tasks"),
    Architecture("mel-conv1d", "classification", audio.mel_conv1d, "64-bin log-mel + 3 temporal convolutions, audio"),
)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@torch.inference_mode()
def encode(model: nn.Module, inputs: Tensor, batch_size: int = 1024, device: str = "cpu") -> Tensor:
    """Latents of `inputs` in evaluation mode, batched, returned on the CPU as float32. On CUDA, input batches
    are copied from pinned memory without blocking (full precision: the cached spaces are keyed
    without the precision, so mixed precision is not used)."""
    model.eval().to(device)
    cuda = torch.device(device).type == "cuda"
    if cuda and inputs.device.type == "cpu":
        inputs = inputs.pin_memory()
    batches = (inputs[i : i + batch_size].to(device, non_blocking=cuda) for i in range(0, len(inputs), batch_size))
    return torch.cat([model.encode(batch).float().cpu() for batch in batches])
