"""Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 28×28 grey photographs of clothing, 10 classes.

The data are Debian's `dataset-fashion-mnist` (the official IDX files, 60,000 train / 10,000 test, under
/usr/share/datasets/fashion-mnist; `BENCH_FASHION_MNIST` points elsewhere). The default task is sized for a
CPU: a stratified subsample of 6,000 train and 1,000 test images (seed 0) of the official splits;
`fashion-mnist-full` uses every image. Pixels are scaled to 0–1. The roster: MLP, CNN and a small ResNet ×
three training seeds (latent dims 64, 128, 96), an MLP autoencoder × two seeds (latent 32), and two frozen
ImageNet networks whose weights ship in pip packages, EfficientNet-Lite0 and -Lite1 (timm's
`tf_efficientnet_lite0/1` layout; 1280-d pooled features of the images repeated to RGB and upsampled to
112 × 112): trained-here ↔ pretrained and Lite0 ↔ Lite1 are the offline analogue of the papers' pairs of
pretrained vision models.
"""

from __future__ import annotations

import gzip
import os
from functools import cache
from pathlib import Path

import numpy as np

from bench.data.rosters import ROSTER_28PX, relative_roster
from bench.encoders import EncoderSpec, trained_roster
from bench.errors import BenchError
from bench.tasks import Split, Task, grey_split

DEBIAN_FOLDER = Path("/usr/share/datasets/fashion-mnist")
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
SUBSAMPLE = {"train": 6000, "test": 1000}
#: a sample's id is its position in the official train split, then in the test split after the 60,000 train images
FIRST_ID = {"train": 0, "test": 60_000}
#: ImageNet networks whose weights ship in pip packages, frozen, fed the images upsampled to 112 × 112
PRETRAINED = {"effnet-lite0": "efficientnet-lite0", "effnet-lite1": "efficientnet-lite1"}
RESOLUTION = 112


def folder() -> Path:
    return Path(os.environ.get("BENCH_FASHION_MNIST", DEBIAN_FOLDER))


def read_idx(path: Path, magic: int) -> np.ndarray:
    """An IDX file (gzip-compressed): big-endian magic number (2051 images, 2049 labels), the sizes, then bytes."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    found = int.from_bytes(raw[:4], "big")
    if found != magic:
        raise BenchError(f"{path}: not an IDX file of this kind (magic {found}, expected {magic})")
    ndim = magic & 0xFF
    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise BenchError(f"{path}: {data.size} values for shape {shape} (truncated file?)")
    return data.reshape(shape)


@cache
def official(split: str) -> tuple[np.ndarray, np.ndarray]:
    """The official split: uint8 images (N, 28, 28) and labels (N,)."""
    images, labels = (folder() / name for name in FILES[split])
    missing = [p for p in (images, labels) if not p.is_file()]
    if missing:
        raise BenchError(
            f"Fashion-MNIST not found ({missing[0]}): install Debian's dataset-fashion-mnist (`make setup` does) "
            "or set BENCH_FASHION_MNIST to a folder with the four IDX .gz files"
        )
    x, y = read_idx(images, 2051), read_idx(labels, 2049)
    if len(x) != len(y):
        raise BenchError(f"{images}: {len(x)} images but {len(y)} labels")
    return x, y.astype(np.int64)


class FashionMNIST(Task):
    name = "fashion-mnist"
    version = "1"
    modality = "images"
    n_classes = 10
    description = (
        "28×28 Fashion-MNIST, a stratified subsample (seed 0) of 6,000 train / 1,000 test images of the official splits"
    )
    provenance = "Debian `dataset-fashion-mnist` (Zalando Research, Xiao, Rasul and Vollgraf 2017)"
    licence = "MIT"
    protocols = ("stitched_classification", "own_decoder", "translation_fidelity", "reconstruction", "similarity")
    input_shape = (1, 28, 28)
    #: images kept per split (None: all of it)
    subsample: dict[str, int] | None = SUBSAMPLE

    def load_split(self, split: str) -> Split:
        images, labels = official(split)
        size = self.subsample[split] if self.subsample is not None else None
        return grey_split(images, labels, np.arange(len(labels), dtype=np.int64), size, FIRST_ID[split])

    def roster(self) -> list[EncoderSpec]:
        trained = trained_roster(ROSTER_28PX)
        return (
            trained
            + relative_roster(trained)
            + [
                EncoderSpec(name=name, architecture=arch, dim=1280, kind="packaged", inputs={"resolution": RESOLUTION})
                for name, arch in PRETRAINED.items()
            ]
        )


class FashionMNISTFull(FashionMNIST):
    """Every image; not in the default suite (`python -m bench run --manifest benchmarks/full-data.toml`)."""

    name = "fashion-mnist-full"
    description = "28×28 Fashion-MNIST, the official 60,000 train / 10,000 test images"
    subsample = None
    in_default_suite = False
