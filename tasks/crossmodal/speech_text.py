"""Speech ↔ text retrieval: each test recording should retrieve its written word among the test vocabulary,
and each word its recordings, across an audio space and a text space aligned only through parallel anchors.

Samples: the recordings of `spoken-words` (same ids, same speaker hold-out: 4,200 train / 1,400 test, 50
words); a sample's text is its word. Audio encoders are `spoken-words`' own (their spaces are shared, not
recomputed): `mel-cnn-s0`, `mel-conv1d-s0`, and Resemblyzer (a speaker space: it should not retrieve
words). Text encoders: the packaged MiniLM (all-MiniLM-L6-v2) and Word2Vec skip-gram trained here on
WordNet's glosses (`bench.wordvectors`, seed 0). Pairs are audio → text and text → audio. Anchors are
(recording, word) pairs of the train split. Scored by `cross_modal_retrieval` (Recall@1/5/10 and MRR, both
directions; chance R@1 = 1/50).
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

import torch
from torch import nn

from bench import speech, text, wordvectors
from bench.encoders import EncoderSpec
from bench.plugins import get_task
from bench.tasks import Split, Task, both_ways

AUDIO = ("mel-cnn-s0", "mel-conv1d-s0", "resemblyzer")
TEXT = (
    EncoderSpec("minilm-l6", "all-minilm-l6-v2", 384, kind="packaged"),
    EncoderSpec("word2vec-sg-s0", "word2vec-sg", wordvectors.DIM, kind="fitted", seed=0, training=wordvectors.SETTINGS),
)


def spoken_words() -> Task:
    return get_task("spoken-words")


@cache
def transcripts() -> tuple[str, ...]:
    """Each recording's word, by id."""
    _, manifest = sys.modules[type(spoken_words()).__module__].dataset()
    return tuple(manifest["word"])


class SpeechText(Task):
    name = "speech-text"
    version = "1"
    modality = "crossmodal"
    n_classes = len(speech.VOCABULARY)
    description = (
        "spoken word ↔ written word retrieval across audio and text spaces (50 words; 4,200 train / 1,400 "
        "test recordings, speakers held out)"
    )
    provenance = "the `spoken-words` recordings (espeak-ng, flite) and their words"
    licence = "generated data"
    protocols = ("cross_modal_retrieval", "similarity")
    main_score = "s2t_r@1"

    def load_split(self, split: str) -> Split:
        return spoken_words().load_split(split)

    def context(self) -> dict[str, Any]:
        words = transcripts()
        return {**spoken_words().context(), "corpus": text.Corpus(words, torch.zeros(len(words), 1), 0)}

    def embedding_task(self, spec: EncoderSpec) -> Task:
        return spoken_words() if spec.name in AUDIO else self

    def roster(self) -> list[EncoderSpec]:
        return [*(spoken_words().encoder(name) for name in AUDIO), *TEXT]

    def fit_encoder(self, spec: EncoderSpec) -> tuple[nn.Module, dict[str, Any]]:
        return wordvectors.word_vectors(spec.architecture, spec.seed or 0, transcripts())

    def pair_kind(self, source: EncoderSpec, target: EncoderSpec) -> str:
        return "audio → text" if source.name in AUDIO else "text → audio"

    def default_pairs(self) -> list[tuple[str, str]]:
        """Audio → text and text → audio."""
        return both_ways(AUDIO, [t.name for t in TEXT])
