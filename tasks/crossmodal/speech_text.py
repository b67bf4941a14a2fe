"""Speech ↔ text retrieval: each test recording should retrieve its written word among the test vocabulary,
and each word its recordings, across an audio space and a text space aligned only through parallel anchors.

Samples: the recordings of `spoken-words` (`bench.data.spoken_words`: same ids, same speaker hold-out: 4,200
train / 1,400 test, 50 words); a sample's text is its word. Audio encoders are `spoken-words`' own (their spaces
are shared, not recomputed): `mel-cnn-s0`, `mel-conv1d-s0`, and Resemblyzer (a speaker space: it should not
retrieve words). Text encoders: the packaged MiniLM (all-MiniLM-L6-v2) and Word2Vec skip-gram trained here on
WordNet's glosses (`bench.encoders.wordvectors`, seed 0). Pairs are audio → text and text → audio. Anchors are
(recording, word) pairs of the train split. Scored by `cross_modal_retrieval` (Recall@1/5/10 and MRR, both
directions; chance R@1 = 1/50).
"""

from __future__ import annotations

from typing import Any

import torch

from bench.data import speech, spoken_words
from bench.data.corpus import Corpus
from bench.data.rosters import spoken_words_roster, word_vector_spec
from bench.encoders import EncoderSpec
from bench.tasks import Split, Task, both_ways

AUDIO = ("mel-cnn-s0", "mel-conv1d-s0", "resemblyzer")
TEXT = (
    EncoderSpec("minilm-l6", "all-minilm-l6-v2", 384, kind="packaged"),
    word_vector_spec("word2vec-sg", 0),
)


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
    main_score = "src2tgt_r@1"
    requires = ("audio",)

    def load_split(self, split: str) -> Split:
        rows, labels = spoken_words.split_rows(split)  # a recording's id is its row
        return Split(torch.as_tensor(rows), labels, rows)

    def context(self) -> dict[str, Any]:
        return {"recordings": spoken_words.recordings(), "corpus": Corpus.untokenised(spoken_words.transcripts())}

    def embedding_task(self, spec: EncoderSpec) -> str:
        return "spoken-words" if spec.name in AUDIO else self.name

    def roster(self) -> list[EncoderSpec]:
        audio = {s.name: s for s in spoken_words_roster()}
        return [*(audio[name] for name in AUDIO), *TEXT]

    def pair_kind(self, source: EncoderSpec, target: EncoderSpec) -> str:
        return "audio → text" if source.name in AUDIO else "text → audio"

    def default_pairs(self) -> list[tuple[str, str]]:
        """Audio → text and text → audio."""
        return both_ways(AUDIO, [t.name for t in TEXT])
