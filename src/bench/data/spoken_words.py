"""The spoken-words set as the audio tasks use it: the synthesised recordings (`bench.data.speech`), each one's
word as its label, and a hold-out of whole speakers.

*Speakers are held out*: the test split is every recording by the espeak-ng accents `en-gb-scotland` and
`en-029` (all three variants each) and by flite's `rms` (7 speakers, 1,400 recordings); the 21 other speakers
are the train split (4,200). A recording's id is its position in `speech.utterances()`, so ids, labels and
splits are known without synthesising anything; the recordings are cut or zero-padded to 1 s.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from bench.data import speech
from bench.data.recordings import Recordings
from bench.errors import BenchError

SAMPLES = speech.SAMPLE_RATE  # 1 s
TEST_ACCENTS = ("en-gb-scotland", "en-029")
TEST_SPEAKERS = (*(s for s in speech.speakers() if s.split(":")[1].split("+")[0] in TEST_ACCENTS), "flite:rms")


@cache
def manifest() -> pd.DataFrame:
    """One row per recording, by id: its word, speaker, `label` (the word's index) and `split`."""
    items = speech.utterances()
    rows = pd.DataFrame({"word": [u.word for u in items], "speaker": [u.speaker for u in items]})
    rows["label"] = rows["word"].map({w: i for i, w in enumerate(speech.VOCABULARY)}).astype(np.int64)
    rows["split"] = hold_out(rows["speaker"])
    return rows


def hold_out(speakers: pd.Series) -> np.ndarray:
    """`test` for the recordings of the held-out speakers, `train` for the others."""
    return np.where(speakers.isin(TEST_SPEAKERS), "test", "train")


def split_rows(split: str) -> tuple[np.ndarray, np.ndarray]:
    """The ids of a split's recordings and their labels."""
    m = manifest()
    rows = np.flatnonzero(m["split"].to_numpy() == split)
    return rows, m["label"].to_numpy()[rows]


@cache
def recordings() -> Recordings:
    """Every recording, synthesised once (and cached); row i is recording id i."""
    spoken = speech.spoken_words()
    if list(spoken.manifest["word"]) != list(manifest()["word"]):
        raise BenchError("the cached spoken-words set is not in the order of speech.utterances(): remove it")
    return Recordings.from_waveforms(spoken.waveforms, SAMPLES)


def transcripts() -> tuple[str, ...]:
    """Each recording's word, by id."""
    return tuple(manifest()["word"])
