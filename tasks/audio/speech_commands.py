"""Speech Commands v0.02 (Warden 2018): one-second clips of 35 spoken words by 2,618 speakers, for full runs.

Read through torchaudio's `SPEECHCOMMANDS` (never downloaded here) from `$BENCH_SPEECHCOMMANDS`, or the folder
`speechcommands` of the cache: the folder that holds `SpeechCommands/speech_commands_v0.02/`. The official
split keeps speakers apart (the test list vs the training clips); a stratified subsample (seed 0) of 10,000
train and 2,000 test clips is used, read with soundfile. Absent data skips the task's cells with how to get it.
Not in the default suite: `python -m bench run --manifest benchmarks/audio-pretrained.toml`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import train_test_split

from bench.cache import data_folder
from bench.data.recordings import Recordings
from bench.data.rosters import AUDIO_HUB_ROSTER, spoken_words_roster
from bench.encoders import EncoderSpec
from bench.errors import Skipped
from bench.tasks import Split, Task

LABELS = (
    "backward", "bed", "bird", "cat", "dog", "down", "eight", "five", "follow", "forward", "four", "go", "happy",
    "house", "learn", "left", "marvin", "nine", "no", "off", "on", "one", "right", "seven", "sheila", "six", "stop",
    "three", "tree", "two", "up", "visual", "wow", "yes", "zero",
)  # fmt: skip
SIZES = {"training": 10_000, "testing": 2_000}


def data_root() -> Path:
    return data_folder("BENCH_SPEECHCOMMANDS", "speechcommands")


@cache
def dataset() -> tuple[Recordings, np.ndarray, np.ndarray]:
    """The recordings (train clips first), their labels and their split ("train" / "test")."""
    import soundfile as sf
    from torchaudio.datasets import SPEECHCOMMANDS

    root = data_root()
    waveforms, labels, splits = [], [], []
    for subset, split in (("training", "train"), ("testing", "test")):
        try:
            data = SPEECHCOMMANDS(str(root), download=False, subset=subset)
        except RuntimeError:
            raise Skipped(
                f"Speech Commands v0.02 not found under {root}: set BENCH_SPEECHCOMMANDS to the folder that holds "
                f'SpeechCommands/ (on a connected machine: python -c "import torchaudio; '
                f"torchaudio.datasets.SPEECHCOMMANDS('{root}', download=True)\")"
            ) from None
        meta = [data.get_metadata(i) for i in range(len(data))]
        y = np.array([LABELS.index(m[2]) for m in meta])
        rows = np.arange(len(meta))
        if len(meta) > SIZES[subset]:
            rows, _ = train_test_split(rows, train_size=SIZES[subset], stratify=y, random_state=0)
            rows = np.sort(rows)
        for i in rows:
            audio, _ = sf.read(Path(data._archive) / meta[i][0], dtype="int16")
            waveforms.append(audio)
        labels.append(y[rows])
        splits += [split] * len(rows)
    return Recordings.from_waveforms(waveforms, 16_000), np.concatenate(labels), np.array(splits)


class SpeechCommands(Task):
    name = "speech-commands"
    version = "1"
    modality = "audio"
    n_classes = len(LABELS)
    description = "Speech Commands v0.02: 35 words, speakers apart; a stratified 10,000 train / 2,000 test clips"
    provenance = "Warden 2018, Speech Commands v0.02, read with torchaudio.datasets.SPEECHCOMMANDS"
    licence = "CC BY 4.0"
    in_default_suite = False
    requires = ("audio",)
    input_shape = (16_000,)

    def load_split(self, split: str) -> Split:
        _, labels, splits = dataset()
        rows = np.flatnonzero(splits == split)
        return Split(torch.as_tensor(rows), labels[rows], rows)

    def context(self) -> dict[str, Recordings]:
        return {"recordings": dataset()[0]}

    def roster(self) -> list[EncoderSpec]:
        return [*spoken_words_roster(), *AUDIO_HUB_ROSTER]
