"""Deterministic training of the encoders trained here (full control of seeds, batch order and augmentation).

AdamW with the config's learning rate and weight decay, constant or on a one-cycle schedule (warm-up to `lr`,
cosine decay to ~0, `torch.optim.lr_scheduler.OneCycleLR`), on batches of `batch_size` in an order drawn from a
generator seeded by the encoder's seed.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Literal

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
    schedule: Literal["constant", "onecycle"] = "constant"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainingConfig:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


def train(
    model: nn.Module,
    inputs: Tensor,
    labels: np.ndarray,
    objective: Objective,
    seed: int,
    config: TrainingConfig,
    device: str = "cpu",
) -> float:
    """Train in place (see the module's docstring); returns seconds."""
    start = time.perf_counter()
    generator = torch.Generator().manual_seed(seed)
    targets = torch.as_tensor(labels, dtype=torch.long)
    model.to(device).train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    steps = config.epochs * math.ceil(len(inputs) / config.batch_size)
    schedule = (
        torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=config.lr, total_steps=steps)
        if config.schedule == "onecycle"
        else None
    )
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
            if schedule is not None:
                schedule.step()
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
