"""Word vectors fitted here with gensim on every WordNet 3.0 gloss (`bench.data.wordnet.gloss_sentences`), for the
tasks whose samples are words (kind `fitted`).

The spec's `training` holds gensim's settings (`bench.data.rosters.WORD_VECTORS`); one worker thread and a fixed
string hash (CRC-32; Python's `hash` of a string changes between processes), so a seed gives the same vectors
every run. The encoder maps a row of the task's corpus (each text a word) to that word's vector.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from bench.data import wordnet
from bench.data.corpus import Corpus
from bench.encoders.spec import EncoderSpec
from bench.errors import BenchError, UnknownName

#: architecture: gensim model and its options
MODELS = {
    "word2vec-sg": ("Word2Vec", {"sg": 1}),
    "word2vec-cbow": ("Word2Vec", {"sg": 0}),
    "fasttext-sg": ("FastText", {"sg": 1, "min_n": 3, "max_n": 6}),
}


def stable_hash(text: str) -> int:
    """CRC-32 of the UTF-8 text: gensim seeds each word's initial vector with it."""
    return zlib.crc32(text.encode())


class WordVectors(nn.Module):
    """Rows of a fixed word-vector table: row index ↦ its vector."""

    def __init__(self, vectors: np.ndarray):
        super().__init__()
        self.vectors = nn.Parameter(torch.as_tensor(vectors, dtype=torch.float32), requires_grad=False)

    def encode(self, rows: torch.Tensor) -> torch.Tensor:
        return self.vectors[rows]


def word_vectors(architecture: str, seed: int, words: Sequence[str], settings: dict[str, Any]) -> WordVectors:
    """Train one gensim model on the glosses with `settings`: a `WordVectors` whose row i is `words[i]`'s vector,
    with what was done in its `fitting`."""
    if architecture not in MODELS:
        raise UnknownName("word-vector architecture", architecture, MODELS)
    try:
        import gensim.models
    except ModuleNotFoundError:
        raise BenchError("gensim is not installed: pip install 'latent-bench[text]'") from None
    model_name, options = MODELS[architecture]
    start = time.perf_counter()
    model = getattr(gensim.models, model_name)(
        sentences=list(wordnet.gloss_sentences()), seed=seed, hashfxn=stable_hash, **settings, **options
    )
    seconds = time.perf_counter() - start
    unknown = sorted({w for w in words if model_name == "Word2Vec" and w not in model.wv})
    if unknown:
        raise BenchError(f"{architecture} has no vector for {', '.join(map(repr, unknown[:5]))} (not in the glosses)")
    fitted = WordVectors(np.stack([model.wv[w] for w in words]))
    fitted.fitting = {"train_s": round(seconds, 3), "gensim": model_name, **settings, **options}
    return fitted


def build(spec: EncoderSpec, corpus: Corpus | None = None, **context: Any) -> WordVectors:
    """The spec's word vectors, read at the texts of the task's corpus (each a word)."""
    if corpus is None:
        raise BenchError(f"{spec.name!r} is a word-vector space: it needs a task whose corpus holds words")
    return word_vectors(spec.architecture, spec.seed or 0, corpus.texts, spec.training)
