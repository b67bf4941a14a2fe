"""The papers' pretrained vision pairs on torchvision's data sets, for full runs (not in the default suite).

MNIST, Fashion-MNIST, CIFAR-10 and CIFAR-100, read by torchvision's dataset classes (official train/test
splits, every image, never downloaded here) from `$BENCH_TORCHVISION_DATA` (default: the cache's
`torchvision/` folder), encoded by the frozen hub networks of the relative-representations and
latent-translation papers: timm's RexNet-100, ViT-B/16, ViT-S/16 and the hybrid ViT-B/R50 at 384 px (timm's
`vit_base_r50_s16_384`, formerly `vit_base_resnet50_384`), and OpenAI's CLIP ViT-B/32 image tower through
open_clip. Weights come from `$BENCH_WEIGHTS/<encoder>.safetensors` or the libraries' caches (`bench.encoders.hub`).
Where the data or the weights are absent the cells are recorded `skipped` with how to provide them.
Run: `python -m bench run --manifest benchmarks/vision-pretrained.toml --device cuda`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from bench.cache import data_folder
from bench.encoders import EncoderSpec
from bench.errors import Skipped
from bench.tasks import Split, Task

HUB_ROSTER = (
    EncoderSpec("rexnet-100", "timm/rexnet_100", 1280, kind="hub"),
    EncoderSpec("vit-base-p16", "timm/vit_base_patch16_224", 768, kind="hub"),
    EncoderSpec("vit-small-p16", "timm/vit_small_patch16_224", 384, kind="hub"),
    EncoderSpec("vit-base-r50", "timm/vit_base_r50_s16_384", 768, kind="hub"),
    EncoderSpec("clip-vit-b32", "open_clip/ViT-B-32:openai", 512, kind="hub"),
)


def data_root() -> Path:
    return data_folder("BENCH_TORCHVISION_DATA", "torchvision")


class TorchvisionTask(Task):
    """A torchvision image classification set with the hub roster; subclasses name the dataset class."""

    modality = "images"
    protocols = ("stitched_classification", "translation_fidelity", "similarity")
    in_default_suite = False
    #: the torchvision.datasets class and the folder it reads under the data root
    dataset: str
    folder: str
    #: images in the official train split: test ids follow them (a sample's id is its position in train, then test)
    train_size: int

    def load_split(self, split: str) -> Split:
        import torchvision.datasets

        root = data_root()
        try:
            data = getattr(torchvision.datasets, self.dataset)(str(root), train=split == "train", download=False)
        except RuntimeError:
            raise Skipped(
                f"{self.dataset} not found under {root}: put torchvision's {self.folder} folder there or "
                f'set BENCH_TORCHVISION_DATA (on a connected machine: python -c "import torchvision; '
                f"torchvision.datasets.{self.dataset}('{root}', train={split == 'train'}, download=True)\")"
            ) from None
        images = torch.as_tensor(np.asarray(data.data))
        images = images.unsqueeze(1) if images.ndim == 3 else images.permute(0, 3, 1, 2)  # N×C×H×W
        labels = np.asarray(data.targets, dtype=np.int64)
        first = 0 if split == "train" else self.train_size
        return Split(images.float() / 255.0, labels, np.arange(first, first + len(labels), dtype=np.int64))

    def roster(self) -> list[EncoderSpec]:
        return list(HUB_ROSTER)


class MNISTPretrained(TorchvisionTask):
    name = "mnist-pretrained"
    n_classes = 10
    dataset, folder, train_size = "MNIST", "MNIST/raw", 60_000
    description = "MNIST (60,000 train / 10,000 test 28×28 digits) through pretrained hub encoders"
    provenance = "torchvision.datasets.MNIST (LeCun, Cortes and Burges)"
    licence = "CC BY-SA 3.0"
    input_shape = (1, 28, 28)


class FashionMNISTPretrained(TorchvisionTask):
    name = "fashion-mnist-pretrained"
    n_classes = 10
    dataset, folder, train_size = "FashionMNIST", "FashionMNIST/raw", 60_000
    description = "Fashion-MNIST (60,000 train / 10,000 test) through pretrained hub encoders"
    provenance = "torchvision.datasets.FashionMNIST (Zalando Research, Xiao, Rasul and Vollgraf 2017)"
    licence = "MIT"
    input_shape = (1, 28, 28)


class CIFAR10Pretrained(TorchvisionTask):
    name = "cifar10-pretrained"
    n_classes = 10
    dataset, folder, train_size = "CIFAR10", "cifar-10-batches-py", 50_000
    description = "CIFAR-10 (50,000 train / 10,000 test 32×32 colour images) through pretrained hub encoders"
    provenance = "torchvision.datasets.CIFAR10 (Krizhevsky 2009)"
    licence = "no licence stated by the authors (research use)"
    input_shape = (3, 32, 32)


class CIFAR100Pretrained(CIFAR10Pretrained):
    name = "cifar100-pretrained"
    n_classes = 100
    dataset, folder = "CIFAR100", "cifar-100-python"
    description = "CIFAR-100 (50,000 train / 10,000 test, 100 fine classes) through pretrained hub encoders"
    provenance = "torchvision.datasets.CIFAR100 (Krizhevsky 2009)"
