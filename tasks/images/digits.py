"""Handwritten digits (scikit-learn's bundled copy of the UCI optical-recognition set), 8×8 grey, 10 classes.

All 1,797 images, a fixed stratified 75/25 split (1,347 train / 450 test, split seed 0). Pixels are
scaled from 0–16 to 0–1. The roster: three classifier architectures × three training seeds with latent
dimensions that differ between architectures (MLP 64, CNN 128, ResNet 96), and an autoencoder family
× two seeds (latent 16: at 32 of 64 pixels no small autoencoder beats PCA, its competence floor) whose decoder
serves the reconstruction protocol.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from bench.data.rosters import IMAGE_TRAINING, SEEDS, relative_roster
from bench.encoders import EncoderSpec, trained_roster
from bench.tasks import Split, Task

ARCHITECTURES = {  # architecture: (latent dim, seeds, training): the 28 × 28 tasks' recipe, more epochs
    "mlp": (64, SEEDS, {**IMAGE_TRAINING, "epochs": 40}),
    "cnn": (128, SEEDS, {**IMAGE_TRAINING, "epochs": 40}),
    "resnet": (96, SEEDS, {**IMAGE_TRAINING, "epochs": 25}),
    "mlp-ae": (16, (0, 1), {**IMAGE_TRAINING, "batch_size": 64, "epochs": 200}),
}


@cache
def _splits() -> dict[str, Split]:
    data = load_digits()
    images = torch.as_tensor(data.images / 16.0, dtype=torch.float32).unsqueeze(1)
    labels = data.target.astype(np.int64)
    ids = np.arange(len(labels), dtype=np.int64)
    train, test = train_test_split(ids, test_size=0.25, stratify=labels, random_state=0)
    return {name: Split(images[idx], labels[idx], idx) for name, idx in (("train", train), ("test", test))}


class Digits(Task):
    name = "digits"
    version = "1"
    modality = "images"
    n_classes = 10
    description = "8×8 handwritten digits, 1,347 train / 450 test (stratified, seed 0)"
    provenance = "scikit-learn `load_digits` (UCI Optical Recognition of Handwritten Digits, E. Alpaydin, C. Kaynak)"
    licence = "CC BY 4.0 (UCI ML Repository)"
    protocols = ("stitched_classification", "own_decoder", "translation_fidelity", "reconstruction", "similarity")
    input_shape = (1, 8, 8)

    def load_split(self, split: str) -> Split:
        return _splits()[split]

    def roster(self) -> list[EncoderSpec]:
        trained = trained_roster(ARCHITECTURES)
        return trained + relative_roster(trained)
