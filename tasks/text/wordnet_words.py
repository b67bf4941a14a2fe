"""Word-embedding retrieval between independently trained word-vector spaces: the relative-representations
paper's FastText ↔ Word2Vec experiment, on a corpus that ships offline.

Corpus: every gloss of WordNet 3.0 (nouns, verbs, adjectives, adverbs: 117,659 glosses, Debian's
`wordnet-base`), split into lower-case words by scikit-learn's `CountVectorizer` analyser. Spaces, trained here
with gensim (one worker thread and a fixed string hash, so a seed gives the same vectors every run), 100-d,
window 5, 20 epochs, words seen at least 5 times: Word2Vec skip-gram (seeds 0, 1), Word2Vec CBOW (seed 0) and
FastText skip-gram with character 3–6-grams (seeds 0, 1). The corpus is small (1.39 M words), so the spaces
need more passes than gensim's default 5 to converge: at 5 epochs Word2Vec ↔ FastText retrieval (skip-gram,
seed 0) reached MRR 0.14 (relative, 300 anchors) and 0.35 (Procrustes), at 20 epochs 0.85 and 0.93. Samples
are the 10,000 most frequent corpus words that are not English stop words (so in every space's vocabulary); 2,000 of
them (seed 0) are the test words, the other 8,000 the pool anchors are drawn from. There are no labels (a retrieval
task): methods are scored by translation fidelity, `mrr` of the true word among the test words first, and the
paper's Jaccard, `retrieval_jaccard@10` (k = 10).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from bench.data import wordnet
from bench.data.corpus import Corpus
from bench.data.rosters import word_vector_spec
from bench.encoders import EncoderSpec
from bench.tasks import Split, Task

WORDS = 10_000
TEST_WORDS = 2_000


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]  # the task's samples, most frequent first
    split: np.ndarray  # "train" or "test" per word


@cache
def vocabulary() -> Vocabulary:
    counts: dict[str, int] = {}
    for sentence in wordnet.gloss_sentences():
        for w in sentence:
            counts[w] = counts.get(w, 0) + 1
    frequent = sorted((w for w in counts if w not in ENGLISH_STOP_WORDS), key=lambda w: (-counts[w], w))[:WORDS]
    split = np.full(len(frequent), "train", dtype=object)
    split[np.random.default_rng(0).choice(len(frequent), TEST_WORDS, replace=False)] = "test"
    return Vocabulary(tuple(frequent), split)


class WordNetWords(Task):
    name = "wordnet-words"
    version = "2"
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

    def context(self) -> dict[str, Corpus]:
        """The words, as the texts the word-vector spaces are read at."""
        return {"corpus": Corpus.untokenised(vocabulary().words)}

    def roster(self) -> list[EncoderSpec]:
        seeds = {"word2vec-sg": (0, 1), "word2vec-cbow": (0,), "fasttext-sg": (0, 1)}
        return [word_vector_spec(arch, seed) for arch, arch_seeds in seeds.items() for seed in arch_seeds]
