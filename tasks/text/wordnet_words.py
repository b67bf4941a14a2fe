"""Word-embedding retrieval between independently trained word-vector spaces: the relative-representations
paper's FastText ↔ Word2Vec experiment, on a corpus that ships offline.

Corpus: every gloss of WordNet 3.0 (nouns, verbs, adjectives, adverbs: 117,659 glosses, Debian's
`wordnet-base`), split into lower-case words by scikit-learn's `CountVectorizer` analyser. Spaces, trained here
with gensim (one worker thread and a fixed string hash, so a seed gives the same vectors every run), 100-d,
window 5, 5 epochs, words seen at least 5 times: Word2Vec skip-gram (seeds 0, 1), Word2Vec CBOW (seed 0) and
FastText skip-gram with character 3–6-grams (seeds 0, 1). Samples are the 10,000 most frequent corpus words that
are not English stop words (so in every space's vocabulary); 2,000 of them (seed 0) are the test words, the
other 8,000 the pool anchors are drawn from. There are no labels (a retrieval task): methods are scored by
translation fidelity, `mrr` of the true word among the test words first (k = 10 for `jaccard@10`).
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import torch
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from torch import nn

from bench import wordnet
from bench.encoders import EncoderSpec
from bench.errors import BenchError, UnknownName
from bench.tasks import Split, Task

WORDS = 10_000
TEST_WORDS = 2_000
DIM = 100
#: architecture: gensim model and its options
MODELS = {
    "word2vec-sg": ("Word2Vec", {"sg": 1}),
    "word2vec-cbow": ("Word2Vec", {"sg": 0}),
    "fasttext-sg": ("FastText", {"sg": 1, "min_n": 3, "max_n": 6}),
}
SETTINGS = {"vector_size": DIM, "window": 5, "min_count": 5, "epochs": 5, "workers": 1}


@dataclass(frozen=True)
class Vocabulary:
    sentences: tuple[tuple[str, ...], ...]  # the corpus: one gloss per sentence
    words: tuple[str, ...]  # the task's samples, most frequent first
    split: np.ndarray  # "train" or "test" per word


@cache
def vocabulary() -> Vocabulary:
    analyse = CountVectorizer().build_analyzer()
    glosses = [s.gloss for pos in wordnet.POS_FILES for s in wordnet.synsets(pos).values()]
    sentences = tuple(tuple(analyse(g)) for g in glosses)
    counts: dict[str, int] = {}
    for sentence in sentences:
        for w in sentence:
            counts[w] = counts.get(w, 0) + 1
    frequent = sorted((w for w in counts if w not in ENGLISH_STOP_WORDS), key=lambda w: (-counts[w], w))[:WORDS]
    split = np.full(len(frequent), "train", dtype=object)
    split[np.random.default_rng(0).choice(len(frequent), TEST_WORDS, replace=False)] = "test"
    return Vocabulary(sentences, tuple(frequent), split)


def stable_hash(text: str) -> int:
    """CRC-32 of the UTF-8 text: gensim seeds each word's initial vector with it (Python's `hash` of a string
    changes between processes)."""
    return zlib.crc32(text.encode())


class WordVectors(nn.Module):
    """Rows of a fixed word-vector table: word index ↦ its vector."""

    def __init__(self, vectors: np.ndarray):
        super().__init__()
        self.vectors = nn.Parameter(torch.as_tensor(vectors, dtype=torch.float32), requires_grad=False)

    def encode(self, rows: torch.Tensor) -> torch.Tensor:
        return self.vectors[rows]


def word_vectors(architecture: str, seed: int) -> tuple[WordVectors, dict[str, Any]]:
    """Train one gensim model on the corpus; the task's words' vectors, and what was done."""
    if architecture not in MODELS:
        raise UnknownName("word-vector architecture", architecture, MODELS)
    try:
        import gensim.models
    except ModuleNotFoundError:
        raise BenchError("gensim is not installed: pip install 'latent-bench[text]'") from None
    model_name, options = MODELS[architecture]
    v = vocabulary()
    start = time.perf_counter()
    model = getattr(gensim.models, model_name)(
        sentences=list(v.sentences), seed=seed, hashfxn=stable_hash, **SETTINGS, **options
    )
    seconds = time.perf_counter() - start
    vectors = np.stack([model.wv[w] for w in v.words])
    return WordVectors(vectors), {"train_s": round(seconds, 3), "gensim": model_name, **SETTINGS, **options}


class WordNetWords(Task):
    name = "wordnet-words"
    version = "1"
    modality = "text"
    n_classes = 0
    description = (
        "word retrieval across word-vector spaces (Word2Vec skip-gram/CBOW, FastText) trained on WordNet's "
        "glosses; 10,000 words, 2,000 test"
    )
    provenance = "Debian `wordnet-base` (WordNet 3.0 glosses, Princeton University); vectors trained with gensim"
    licence = "WordNet 3.0 licence (free, with attribution)"
    protocols = ("translation_fidelity", "similarity")
    main_score = "mrr"

    def load_split(self, split: str) -> Split:
        v = vocabulary()
        rows = np.flatnonzero(v.split == split)
        return Split(torch.as_tensor(rows), np.zeros(len(rows), dtype=np.int64), rows)

    def fit_encoder(self, spec: EncoderSpec) -> tuple[nn.Module, dict[str, Any]]:
        return word_vectors(spec.architecture, spec.seed or 0)

    def roster(self) -> list[EncoderSpec]:
        seeds = {"word2vec-sg": (0, 1), "word2vec-cbow": (0,), "fasttext-sg": (0, 1)}
        return [
            EncoderSpec(f"{arch}-s{seed}", arch, DIM, kind="fitted", seed=seed, training=SETTINGS)
            for arch, arch_seeds in seeds.items()
            for seed in arch_seeds
        ]
