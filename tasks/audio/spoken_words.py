"""Spoken-word classification across audio encoders: the relative-representations stitching experiment on
speech that ships offline.

Data: the 50 words of `bench.speech` (the ten digits and 40 everyday nouns) spoken by 28 synthetic speakers
(espeak-ng's 8 English accents × 3 variants, flite's 4 voices) at 2 speeds × 2 pitches: 5,600 recordings of
16 kHz speech, cut or zero-padded to 1 s. *Speakers are held out*: the test split is every recording by the
espeak-ng accents `en-gb-scotland` and `en-029` (all three variants each) and by flite's `rms` (7 speakers,
1,400 recordings); the 21 other speakers are the train split (4,200). Labels: the word (50 classes).

Encoders: `mel-cnn` and `mel-conv1d` (log-mel front end, trained here, seeds 0–2, 64-d), and Resemblyzer's
speaker encoder (256-d, frozen, its weights in its pip package), see `bench.audio`. Whisper tiny.en's encoder
(packaged too) and torchaudio's pipelines are added by `spoken-words-hub`, outside the default suite.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import torch

from bench import speech
from bench.audio import Recordings
from bench.encoders import EncoderSpec, trained_roster
from bench.tasks import Split, Task

SAMPLES = speech.SAMPLE_RATE  # 1 s
TEST_ACCENTS = ("en-gb-scotland", "en-029")
TEST_SPEAKERS = (*(s for s in speech.speakers() if s.split(":")[1].split("+")[0] in TEST_ACCENTS), "flite:rms")
EPOCHS = 10


@cache
def dataset() -> tuple[Recordings, pd.DataFrame]:
    """The recordings and their manifest, with `label` (the word's index) and `split` (speaker hold-out)."""
    spoken = speech.spoken_words()
    manifest = spoken.manifest.copy()
    manifest["label"] = manifest["word"].map({w: i for i, w in enumerate(speech.VOCABULARY)})
    manifest["split"] = hold_out(manifest["speaker"])
    return Recordings.from_waveforms(spoken.waveforms, SAMPLES), manifest


def hold_out(speakers: pd.Series) -> np.ndarray:
    """`test` for the recordings of the held-out speakers, `train` for the others."""
    return np.where(speakers.isin(TEST_SPEAKERS), "test", "train")


class SpokenWords(Task):
    name = "spoken-words"
    version = "1"
    modality = "audio"
    n_classes = len(speech.VOCABULARY)
    description = (
        "50 spoken words (digits, nouns) by 28 synthetic speakers × 2 speeds × 2 pitches, speakers held out; "
        "4,200 train / 1,400 test recordings"
    )
    provenance = "synthesised here by Debian's espeak-ng and flite (see bench.speech)"
    licence = "generated data (espeak-ng: GPL-3.0+, flite: BSD-like; no licence attaches to their output)"
    input_shape = (SAMPLES,)

    def load_split(self, split: str) -> Split:
        _, manifest = dataset()
        rows = np.flatnonzero(manifest["split"].to_numpy() == split)  # a recording's id is its row
        return Split(torch.as_tensor(rows), manifest["label"].to_numpy(np.int64)[rows], rows)

    def context(self) -> dict[str, Recordings]:
        return {"recordings": dataset()[0]}

    def roster(self) -> list[EncoderSpec]:
        trained = trained_roster({"mel-cnn": (64, EPOCHS, (0, 1, 2)), "mel-conv1d": (64, EPOCHS, (0, 1, 2))})
        return [*trained, EncoderSpec("resemblyzer", "resemblyzer", 256, kind="packaged")]


#: Whisper tiny.en (packaged: offline, but its 30 s window costs 0.3–0.7 s a recording on two CPU cores, 50 times
#: the other audio encoders) and torchaudio's speech pipelines (kind `hub`: weights from $BENCH_WEIGHTS/<name>.pth or
#: torch's hub cache).
HUB_ROSTER = (
    EncoderSpec("whisper-tiny-en", "whisper-tiny-en", 384, kind="packaged"),
    EncoderSpec("wav2vec2-base", "torchaudio/WAV2VEC2_BASE", 768, kind="hub"),
    EncoderSpec("hubert-base", "torchaudio/HUBERT_BASE", 768, kind="hub"),
    EncoderSpec("wavlm-base", "torchaudio/WAVLM_BASE", 768, kind="hub"),
)


class SpokenWordsHub(SpokenWords):
    """`spoken-words` with Whisper tiny.en and torchaudio's pretrained speech encoders added (the other encoders'
    spaces shared with it); not in the default suite: `python -m bench run --manifest
    benchmarks/audio-pretrained.toml` (with `--device cuda` for the torchaudio networks)."""

    name = "spoken-words-hub"
    in_default_suite = False
    description = SpokenWords.description + "; with Whisper tiny.en, wav2vec 2.0, HuBERT and WavLM base"

    def roster(self) -> list[EncoderSpec]:
        return [*super().roster(), *HUB_ROSTER]

    def embedding_task(self, spec: EncoderSpec) -> Task:
        return self if spec in HUB_ROSTER else SpokenWords()
