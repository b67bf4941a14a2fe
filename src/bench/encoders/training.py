"""Deterministic training of the encoders trained here (full control of seeds and batch order)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from bench.encoders.architectures import Objective


@dataclass(frozen=True)
class TrainingConfig:
    epochs: int = 30
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 0.0

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainingConfig:
        return cls(**d)


def train(
    model: nn.Module,
    inputs: Tensor,
    labels: np.ndarray,
    objective: Objective,
    seed: int,
    config: TrainingConfig,
    device: str = "cpu",
) -> float:
    """Train in place with Adam; the batch order comes from a generator seeded by `seed`. Returns seconds."""
    start = time.perf_counter()
    generator = torch.Generator().manual_seed(seed)
    targets = torch.as_tensor(labels, dtype=torch.long)
    model.to(device).train()
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    loss_fn = nn.CrossEntropyLoss() if objective == "classification" else nn.MSELoss()
    for _ in range(config.epochs):
        order = torch.randperm(len(inputs), generator=generator)
        for i in range(0, len(order), config.batch_size):
            batch = order[i : i + config.batch_size]
            x = inputs[batch].to(device)
            out = model(x)
            loss = loss_fn(out, targets[batch].to(device) if objective == "classification" else x)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
    model.eval()
    return time.perf_counter() - start


@torch.inference_mode()
def evaluate(model: nn.Module, inputs: Tensor, labels: np.ndarray, objective: Objective) -> dict[str, float]:
    """The model's own score on a split: accuracy for classifiers, reconstruction MSE for autoencoders."""
    model.eval()
    if objective == "classification":
        pred = model(inputs).argmax(dim=1).numpy()
        return {"accuracy": float((pred == labels).mean())}
    z = model.encode(inputs)
    return {"reconstruction_mse": float(((model.decode(z) - inputs) ** 2).mean())}


def seeded_init(seed: int) -> None:
    """Seed every generator that model initialisation may touch."""
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
