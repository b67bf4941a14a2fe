"""Spoken-word classification across audio encoders: the relative-representations stitching experiment on
speech that ships offline.

Data: the 50 words of `bench.data.speech` (the ten digits and 40 everyday nouns) spoken by 28 synthetic speakers
(espeak-ng's 8 English accents × 3 variants, flite's 4 voices) at 2 speeds × 2 pitches: 5,600 recordings of
16 kHz speech, cut or zero-padded to 1 s. *Speakers are held out* (`bench.data.spoken_words`): the test split
is every recording by the espeak-ng accents `en-gb-scotland` and `en-029` (all three variants each) and by
flite's `rms` (7 speakers, 1,400 recordings); the 21 other speakers are the train split (4,200). Labels: the
word (50 classes).

Encoders: `mel-cnn` and `mel-conv1d` (log-mel front end, trained here, seeds 0–2, 64-d), and Resemblyzer's
speaker encoder (256-d, frozen, its weights in its pip package), see `bench.encoders.audio`. Whisper tiny.en's
encoder (packaged too) and torchaudio's pipelines are added by `spoken-words-hub`, outside the default suite.
"""

from __future__ import annotations

import torch

from bench.data import speech, spoken_words
from bench.data.recordings import Recordings
from bench.data.rosters import AUDIO_HUB_ROSTER, relative_roster, spoken_words_roster
from bench.encoders import EncoderSpec
from bench.tasks import Split, Task


class SpokenWords(Task):
    name = "spoken-words"
    version = "1"
    modality = "audio"
    n_classes = len(speech.VOCABULARY)
    description = (
        "50 spoken words (digits, nouns) by 28 synthetic speakers × 2 speeds × 2 pitches, speakers held out; "
        "4,200 train / 1,400 test recordings"
    )
    provenance = "synthesised here by Debian's espeak-ng and flite (see bench.data.speech)"
    licence = "generated data (espeak-ng: GPL-3.0+, flite: BSD-like; no licence attaches to their output)"
    input_shape = (spoken_words.SAMPLES,)
    protocols = ("stitched_classification", "own_decoder", "translation_fidelity", "similarity")
    requires = ("audio",)

    def load_split(self, split: str) -> Split:
        rows, labels = spoken_words.split_rows(split)  # a recording's id is its row
        return Split(torch.as_tensor(rows), labels, rows)

    def context(self) -> dict[str, Recordings]:
        return {"recordings": spoken_words.recordings()}

    def roster(self) -> list[EncoderSpec]:
        return spoken_words_roster() + relative_roster(spoken_words_roster())


class SpokenWordsHub(SpokenWords):
    """`spoken-words` with Whisper tiny.en and torchaudio's pretrained speech encoders added (the other encoders'
    spaces shared with it); not in the default suite: `python -m bench run --manifest
    benchmarks/audio-pretrained.toml` (with `--device cuda` for the torchaudio networks)."""

    name = "spoken-words-hub"
    in_default_suite = False
    description = SpokenWords.description + "; with Whisper tiny.en, wav2vec 2.0, HuBERT and WavLM base"

    def roster(self) -> list[EncoderSpec]:
        return [*super().roster(), *AUDIO_HUB_ROSTER]

    def embedding_task(self, spec: EncoderSpec) -> str:
        return self.name if spec in AUDIO_HUB_ROSTER else SpokenWords.name
