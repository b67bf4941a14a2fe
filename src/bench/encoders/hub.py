"""Pretrained encoders from the model hubs (kind `hub`), frozen: timm networks, open_clip image and text towers,
Hugging Face transformers, and torchaudio's speech pipelines.

A hub spec's architecture names the library and the model: `timm/<model>` (timm's name, with its default
pretrained tag), `open_clip/<model>:<tag>` (e.g. `open_clip/ViT-B-32:openai`; the text tower when the spec's
inputs say `tower = "text"`) or `hf/<model id>` (e.g. `hf/bert-base-cased`; inputs `pooling` = `mean` or `cls`
and `layer`, default the last) or `torchaudio/<BUNDLE>` (a wav2vec 2.0 / HuBERT / WavLM bundle of
`torchaudio.pipelines`, e.g. `torchaudio/WAV2VEC2_BASE`: its last transformer layer averaged over the frames
that cover each recording). The weights are taken from `$BENCH_WEIGHTS/<encoder name>.safetensors` (or
`.pth`, `.bin`: a state dict of the same architecture; for `hf`, the folder `$BENCH_WEIGHTS/<encoder name>/` that
`save_pretrained` wrote, with its tokenizer; for `torchaudio`, `.pth` only, loaded with `weights_only=True`)
when it exists, otherwise from the library's own download cache
(Hugging Face's; nothing is fetched when `HF_HUB_OFFLINE=1`). When neither has them the encoder is skipped, and
the message says how to provide them. Image embeddings: timm's pooled pre-logits features, or the CLIP image
embedding (before normalisation), of the images resized to the network's input size and normalised with its
mean and std (`FrozenImageEncoder`). Text embeddings: the CLIP text embedding, or a transformer's pooled
hidden states (`bench.encoders.text`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from bench.data.corpus import Corpus
from bench.data.recordings import Recordings
from bench.encoders.images import FrozenImageEncoder, over_task_images
from bench.encoders.spec import EncoderSpec
from bench.encoders.text import FrozenTextEncoder, SentenceEncoder, needs_corpus, pooling_options
from bench.errors import BenchError, Skipped, UnknownName

LIBRARIES = ("timm", "open_clip", "hf", "torchaudio")
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
    if library in ("hf", "torchaudio"):
        return library, rest, None
    return library, model, tag or None


def absent(spec: EncoderSpec, how: str, error: BaseException, folder: bool = False) -> Skipped:
    """Why a hub encoder is skipped: where to save its weights (a state dict, or with `folder` a `save_pretrained`
    folder with the tokenizer), or `how` to fill the library's cache."""
    where = weights_folder() or "$BENCH_WEIGHTS"
    save = (
        f"save the model and its tokenizer with save_pretrained in {where}/{spec.name}/"
        if folder
        else f"save its state dict as {where}/{spec.name}.safetensors"
    )
    return Skipped(
        f"weights of {spec.architecture} not found offline ({type(error).__name__}): {save}, or fill the "
        f"library's cache on a connected machine ({how})"
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


def open_clip_model(spec: EncoderSpec, model: str, tag: str | None) -> tuple[nn.Module, dict]:
    """The CLIP model with its weights (local file, or the library's cache), and its pretrained config."""
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
    return clip.eval(), cfg


def open_clip_encoder(spec: EncoderSpec, model: str, tag: str | None) -> FrozenImageEncoder:
    clip, cfg = open_clip_model(spec, model, tag)
    visual = clip.visual.eval()
    preprocess = {**visual.preprocess_cfg, **{k: cfg[k] for k in ("mean", "std") if k in cfg}}
    resolution = spec.inputs.get("resolution") or preprocess["size"][-1]
    return FrozenImageEncoder(visual, resolution, preprocess["mean"], preprocess["std"])


class ClipTextEncoder(FrozenTextEncoder):
    """A CLIP text tower: texts ↦ encode_text(tokenize(texts)), the text embedding before normalisation."""

    def __init__(self, clip: nn.Module, tokenizer, texts: tuple[str, ...]):
        super().__init__(texts)
        self.clip, self.tokenizer = clip, tokenizer

    def embed(self, texts: list[str]) -> Tensor:
        return self.clip.encode_text(self.tokenizer(texts))


def clip_text_encoder(spec: EncoderSpec, model: str, tag: str | None, corpus: Corpus) -> ClipTextEncoder:
    import open_clip

    clip, _ = open_clip_model(spec, model, tag)
    return ClipTextEncoder(clip, open_clip.get_tokenizer(model), corpus.texts)


def transformer_encoder(spec: EncoderSpec, model: str, corpus: Corpus) -> SentenceEncoder:
    """A Hugging Face transformer from `$BENCH_WEIGHTS/<encoder name>/` or the local hub cache (never fetched)."""
    folder = weights_folder()
    local = folder / spec.name if folder and (folder / spec.name / "config.json").is_file() else None
    try:
        return SentenceEncoder(local or model, corpus.texts, **pooling_options(spec), local_files_only=True)
    except OSError as e:
        raise absent(spec, f"hf download {model}", e, folder=True) from None


def torchaudio_encoder(spec: EncoderSpec, bundle_name: str, recordings: Recordings) -> nn.Module:
    """A speech bundle of `torchaudio.pipelines` with its weights from `$BENCH_WEIGHTS/<encoder name>.pth` or
    torch's hub cache (never fetched when absent: skipped)."""
    import torchaudio

    from bench.encoders.audio import TorchaudioEncoder

    pipelines = torchaudio.pipelines
    bundle = getattr(pipelines, bundle_name, None)
    if not isinstance(bundle, pipelines.Wav2Vec2Bundle):
        speech = [n for n in dir(pipelines) if isinstance(getattr(pipelines, n), pipelines.Wav2Vec2Bundle)]
        raise UnknownName("torchaudio speech bundle", bundle_name, speech)
    folder, local = weights_folder(), local_weights(spec)
    if local is not None and local.suffix != ".pth":
        raise BenchError(f"{local}: a torchaudio bundle's weights are read from a .pth state dict")
    where = {"model_dir": str(folder), "file_name": local.name} if local else {}
    cached = local or Path(torch.hub.get_dir()) / "checkpoints" / Path(bundle._path).name
    if not cached.is_file():
        raise absent(spec, f"torchaudio.pipelines.{bundle_name}.get_model()", FileNotFoundError(cached))
    return TorchaudioEncoder(bundle.get_model(dl_kwargs={**where, "weights_only": True}), recordings)


def build(
    spec: EncoderSpec,
    corpus: Corpus | None = None,
    recordings: Recordings | None = None,
    images: Tensor | None = None,
    **context: Any,
) -> nn.Module:
    """The frozen encoder of a hub spec, with its pretrained weights; `Skipped` when they are not available.
    Text encoders (`hf`, an open_clip text tower) run over a text task's `corpus`, speech encoders over an audio
    task's `recordings`, image encoders over the task's inputs (or its stored `images`)."""
    library, model, tag = parse(spec.architecture)
    if library == "torchaudio":
        from bench.encoders.audio import needs_recordings

        return torchaudio_encoder(spec, model, needs_recordings(recordings)).eval()
    if library == "hf":
        return transformer_encoder(spec, model, needs_corpus(spec, corpus)).eval()
    if spec.inputs.get("tower") == "text":
        return clip_text_encoder(spec, model, tag, needs_corpus(spec, corpus)).eval()
    encoder = timm_encoder(spec, model) if library == "timm" else open_clip_encoder(spec, model, tag)
    return over_task_images(encoder.eval(), images)


def provenance(spec: EncoderSpec) -> dict[str, str]:
    """Where a hub encoder's weights came from (for its report)."""
    path = local_weights(spec)
    return {"pretrained": "hub, frozen", "weights": str(path) if path else "the library's cache"}
