"""Word vectors trained here with gensim on every WordNet 3.0 gloss (117,659 glosses, 1.39 M words, split by
scikit-learn's `CountVectorizer` analyser), for the tasks whose samples are words.

One worker thread and a fixed string hash (CRC-32; Python's `hash` of a string changes between processes), so
a seed gives the same vectors every run. 100-d, window 5, 20 epochs (the corpus is small: gensim's default 5
leaves the spaces unconverged), words seen at least 5 times.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import torch
from sklearn.feature_extraction.text import CountVectorizer
from torch import nn

from bench import wordnet
from bench.errors import BenchError, UnknownName

DIM = 100
#: architecture: gensim model and its options
MODELS = {
    "word2vec-sg": ("Word2Vec", {"sg": 1}),
    "word2vec-cbow": ("Word2Vec", {"sg": 0}),
    "fasttext-sg": ("FastText", {"sg": 1, "min_n": 3, "max_n": 6}),
}
SETTINGS = {"vector_size": DIM, "window": 5, "min_count": 5, "epochs": 20, "workers": 1}


@cache
def gloss_sentences() -> tuple[tuple[str, ...], ...]:
    """Every gloss of WordNet (nouns, verbs, adjectives, adverbs) as a sentence of lower-case words."""
    analyse = CountVectorizer().build_analyzer()
    return tuple(tuple(analyse(s.gloss)) for pos in wordnet.POS_FILES for s in wordnet.synsets(pos).values())


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


def word_vectors(architecture: str, seed: int, words: Sequence[str]) -> tuple[WordVectors, dict[str, Any]]:
    """Train one gensim model on the glosses; a `WordVectors` whose row i is `words[i]`'s vector, and what was
    done."""
    if architecture not in MODELS:
        raise UnknownName("word-vector architecture", architecture, MODELS)
    try:
        import gensim.models
    except ModuleNotFoundError:
        raise BenchError("gensim is not installed: pip install 'latent-bench[text]'") from None
    model_name, options = MODELS[architecture]
    start = time.perf_counter()
    model = getattr(gensim.models, model_name)(
        sentences=list(gloss_sentences()), seed=seed, hashfxn=stable_hash, **SETTINGS, **options
    )
    seconds = time.perf_counter() - start
    unknown = sorted({w for w in words if model_name == "Word2Vec" and w not in model.wv})
    if unknown:
        raise BenchError(f"{architecture} has no vector for {', '.join(map(repr, unknown[:5]))} (not in the glosses)")
    vectors = np.stack([model.wv[w] for w in words])
    return WordVectors(vectors), {"train_s": round(seconds, 3), "gensim": model_name, **SETTINGS, **options}
