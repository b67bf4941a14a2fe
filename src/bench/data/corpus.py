"""A text task's texts, tokenised for the encoders trained here (`bench.encoders.text`).

Words come from scikit-learn's `CountVectorizer` analyser (lower case, tokens of two or more word characters);
the vocabulary is the train texts' most frequent words; id 0 pads, 1 is an unknown word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

PAD, UNKNOWN = 0, 1


@dataclass(frozen=True)
class Corpus:
    """A text task's texts and their word ids (N × L, `PAD`-padded) over a vocabulary of `n_words` ids."""

    texts: tuple[str, ...]
    words: Tensor
    n_words: int

    @classmethod
    def untokenised(cls, texts: Sequence[str]) -> Corpus:
        """Texts for frozen encoders and word vectors only (no word ids: nothing is trained on them here)."""
        return cls(tuple(texts), torch.zeros(len(texts), 1, dtype=torch.long), 0)


def corpus(texts: Sequence[str], train: np.ndarray, vocabulary: int, length: int) -> Corpus:
    """`texts` with word ids from the `vocabulary` most frequent words of `texts[train]`, cut at `length` words."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(max_features=vocabulary).fit([texts[i] for i in train])
    index = {w: i + 2 for i, w in enumerate(sorted(vectorizer.vocabulary_))}
    analyse = vectorizer.build_analyzer()
    words = torch.full((len(texts), length), PAD, dtype=torch.long)
    for row, text in enumerate(texts):
        ids = [index.get(w, UNKNOWN) for w in analyse(text)][:length]
        words[row, : len(ids)] = torch.as_tensor(ids, dtype=torch.long)
    return Corpus(tuple(texts), words, len(index) + 2)
