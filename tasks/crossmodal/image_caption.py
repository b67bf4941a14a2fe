"""Image ↔ caption retrieval on Flickr30k: each test image should retrieve its caption among the test captions,
and each caption its image, across an image space and a text space aligned only through parallel anchors.

Read through torchvision's `Flickr30k` (never downloaded here) from `$BENCH_FLICKR30K`, or the folder
`flickr30k` of the cache: the folder holding `flickr30k-images/` and `results_20130124.token`. One sample per
image with its first caption; a seeded draw (seed 0) of 1,000 test and 10,000 train images, stored as 224 ×
224 RGB. Absent data skips the task's cells with how to get it. Each sample is its own class, so
`cross_modal_retrieval` is instance retrieval (chance R@1 = 1/1,000). Not in the default suite:
`python -m bench run --manifest benchmarks/crossmodal-pretrained.toml --device cuda`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import torch
from PIL import Image

from bench.cache import data_folder
from bench.data.corpus import Corpus
from bench.encoders import EncoderSpec
from bench.errors import Skipped
from bench.tasks import Split, Task, both_ways

SIZES = {"test": 1_000, "train": 10_000}
SIDE = 224
IMAGE = (
    EncoderSpec("clip-vit-b32", "open_clip/ViT-B-32:openai", 512, kind="hub"),
    EncoderSpec("vit-b16", "timm/vit_base_patch16_224", 768, kind="hub"),
)
TEXT = (
    EncoderSpec("clip-vit-b32-text", "open_clip/ViT-B-32:openai", 512, kind="hub", inputs={"tower": "text"}),
    EncoderSpec("minilm-l6", "all-minilm-l6-v2", 384, kind="packaged"),
)


@cache
def dataset() -> tuple[torch.Tensor, tuple[str, ...], np.ndarray]:
    """The images (N × 3 × 224 × 224, uint8), their first captions, and each one's split."""
    from torchvision.datasets import Flickr30k

    root = data_folder("BENCH_FLICKR30K", "flickr30k")
    try:
        data = Flickr30k(str(root / "flickr30k-images"), str(root / "results_20130124.token"))
    except OSError:
        raise Skipped(
            f"Flickr30k not found under {root}: put flickr30k-images/ and results_20130124.token there (from "
            "the data set's site, after accepting its terms) or set BENCH_FLICKR30K"
        ) from None
    order = np.random.default_rng(0).permutation(len(data.ids))[: SIZES["test"] + SIZES["train"]]
    chosen = np.sort(order)
    split = np.where(np.isin(chosen, order[: SIZES["test"]]), "test", "train")
    images = torch.empty((len(chosen), 3, SIDE, SIDE), dtype=torch.uint8)
    for row, index in enumerate(chosen):
        with Image.open(root / "flickr30k-images" / data.ids[index]) as im:
            pixels = np.asarray(im.convert("RGB").resize((SIDE, SIDE), Image.Resampling.BILINEAR))
        images[row] = torch.from_numpy(pixels.copy()).permute(2, 0, 1)
    captions = tuple(data.annotations[data.ids[i]][0] for i in chosen)
    return images, captions, split


class ImageCaption(Task):
    name = "image-caption"
    version = "1"
    modality = "crossmodal"
    n_classes = 0
    description = "Flickr30k image ↔ caption retrieval (first caption per image), 10,000 train / 1,000 test images"
    provenance = "Flickr30k (Young et al. 2014), read with torchvision.datasets.Flickr30k"
    licence = "Flickr30k terms of use (non-commercial research; images under their owners' Flickr terms)"
    protocols = ("cross_modal_retrieval", "similarity")
    main_score = "src2tgt_r@1"
    in_default_suite = False

    def load_split(self, split: str) -> Split:
        _, _, splits = dataset()
        rows = np.flatnonzero(splits == split)
        return Split(torch.as_tensor(rows), rows, rows)  # each image is its own class

    def context(self) -> dict[str, Any]:
        images, captions, _ = dataset()
        return {"images": images, "corpus": Corpus.untokenised(captions)}

    def roster(self) -> list[EncoderSpec]:
        return [*IMAGE, *TEXT]

    def pair_kind(self, source: EncoderSpec, target: EncoderSpec) -> str:
        return "image → text" if source in IMAGE else "text → image"

    def default_pairs(self) -> list[tuple[str, str]]:
        """Image → text and text → image."""
        return both_ways([i.name for i in IMAGE], [t.name for t in TEXT])
