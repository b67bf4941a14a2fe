"""Pretrained image encoders from the model hubs (kind `hub`), frozen: timm networks and open_clip image towers.

A hub spec's architecture names the library and the model: `timm/<model>` (timm's name, with its default
pretrained tag) or `open_clip/<model>:<tag>` (e.g. `open_clip/ViT-B-32:openai`). The weights are taken from
`$BENCH_WEIGHTS/<encoder name>.safetensors` (or `.pth`, `.bin`: a state dict of the same architecture) when that
file exists, otherwise from the library's own download cache (Hugging Face's; nothing is fetched when
`HF_HUB_OFFLINE=1`). When neither has them the encoder is skipped, and the message says how to provide them.
Embeddings: timm's pooled pre-logits features, or the CLIP image embedding (before normalisation), of the
images resized to the network's input size and normalised with its mean and std (`FrozenImageEncoder`).
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.encoders import EncoderSpec
from bench.errors import BenchError, Skipped, UnknownName
from bench.pretrained import FrozenImageEncoder

LIBRARIES = ("timm", "open_clip")
SUFFIXES = (".safetensors", ".pth", ".bin")


def weights_folder() -> Path | None:
    folder = os.environ.get("BENCH_WEIGHTS")
    return Path(folder) if folder else None


def local_weights(spec: EncoderSpec) -> Path | None:
    """`$BENCH_WEIGHTS/<encoder name><suffix>` for the first suffix that exists, else None."""
    folder = weights_folder()
    return next((p for p in (folder / f"{spec.name}{s}" for s in SUFFIXES) if p.is_file()), None) if folder else None


def parse(architecture: str) -> tuple[str, str, str | None]:
    """`library/model[:tag]` → (library, model, tag)."""
    library, _, rest = architecture.partition("/")
    if library not in LIBRARIES:
        raise UnknownName("hub library", library, LIBRARIES)
    model, _, tag = rest.partition(":")
    if not model:
        raise BenchError(f"hub architecture {architecture!r}: expected library/model[:tag], e.g. timm/rexnet_100")
    return library, model, tag or None


def absent(spec: EncoderSpec, how: str, error: BaseException) -> Skipped:
    where = weights_folder() or "$BENCH_WEIGHTS"
    return Skipped(
        f"weights of {spec.architecture} not found offline ({type(error).__name__}): save its state dict as "
        f"{where}/{spec.name}.safetensors, or fill the library's cache on a connected machine ({how})"
    )


def timm_encoder(spec: EncoderSpec, model: str) -> FrozenImageEncoder:
    import timm

    if not timm.is_model(model):
        raise UnknownName("timm model", model, timm.list_models())
    path = local_weights(spec)
    overlay = {"file": str(path)} if path else None
    try:
        net = timm.create_model(model, pretrained=True, pretrained_cfg_overlay=overlay)
    except OSError as e:
        raise absent(spec, f"python -c \"import timm; timm.create_model('{model}', pretrained=True)\"", e) from None
    return FrozenImageEncoder.from_timm(net.eval(), spec.inputs.get("resolution"))


def open_clip_encoder(spec: EncoderSpec, model: str, tag: str | None) -> FrozenImageEncoder:
    import open_clip
    from open_clip.factory import get_pretrained_cfg

    if model not in open_clip.list_models():
        raise UnknownName("open_clip model", model, open_clip.list_models())
    cfg = get_pretrained_cfg(model, tag) if tag else {}
    if tag and not cfg:
        raise UnknownName(f"open_clip tag of {model}", tag, open_clip.list_pretrained_tags_by_model(model))
    path = local_weights(spec)
    if path is None and tag:
        try:
            open_clip.download_pretrained(cfg)  # the cached file, or the download (which fails offline)
        except OSError as e:
            how = f"python -c \"import open_clip; open_clip.create_model('{model}', pretrained='{tag}')\""
            raise absent(spec, how, e) from None
    elif path is None:
        raise absent(spec, "name a pretrained tag: open_clip/<model>:<tag>", FileNotFoundError(spec.name))
    clip = open_clip.create_model(
        model, pretrained=str(path) if path else tag, force_quick_gelu=bool(cfg.get("quick_gelu", False))
    )
    visual = clip.visual.eval()
    preprocess = {**visual.preprocess_cfg, **{k: cfg[k] for k in ("mean", "std") if k in cfg}}
    resolution = spec.inputs.get("resolution") or preprocess["size"][-1]
    return FrozenImageEncoder(visual, resolution, preprocess["mean"], preprocess["std"])


def hub_encoder(spec: EncoderSpec) -> FrozenImageEncoder:
    """The frozen encoder of a hub spec, with its pretrained weights; `Skipped` when they are not available."""
    library, model, tag = parse(spec.architecture)
    encoder = timm_encoder(spec, model) if library == "timm" else open_clip_encoder(spec, model, tag)
    return encoder.eval()
