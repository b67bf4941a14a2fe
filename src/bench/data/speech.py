"""Spoken words synthesised offline by Debian's `espeak-ng` and `flite`, for the audio tasks.

A *speaker* is one synthesiser voice: each of espeak-ng's English voices (`ESPEAK_VOICES`) with each of three
of its variants (the default male voice, `f2`, `m3`), and flite's four 16 kHz voices. Every word of the
vocabulary is spoken by every speaker at two speeds and two pitches. A waveform is resampled to 16 kHz mono
(torchaudio), trimmed of its leading and trailing silence (samples below 1 % of its peak, 50 ms kept either
side) and stored as 16-bit PCM. The whole set is one FLAC file plus a manifest (word, speaker, synthesiser,
voice, speed, pitch, start, length), generated once, deterministically, and cached under a key of the
generator's version, the synthesisers' versions and every setting.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from bench.cache import cache_root, digest, load_folder, store_folder
from bench.errors import BenchError

GENERATOR_VERSION = "1"
SAMPLE_RATE = 16_000
DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
#: Everyday concrete nouns (each a WordNet noun), spoken after the digits.
NOUNS = (
    "apple", "bird", "boat", "book", "bread", "bridge", "car", "cat", "chair", "cloud", "coffee", "dog", "door",
    "egg", "fish", "flower", "garden", "hand", "horse", "house", "island", "key", "lamp", "lemon", "moon",
    "mountain", "music", "orange", "paper", "pencil", "rabbit", "river", "road", "school", "shoe", "star", "table",
    "tiger", "train", "window",
)  # fmt: skip
VOCABULARY = DIGITS + NOUNS
ESPEAK_VOICES = (
    "en", "en-us", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc",
)  # fmt: skip
ESPEAK_VARIANTS = ("", "f2", "m3")
FLITE_VOICES = {"kal16": (95, 125), "awb": (95, 125), "rms": (90, 120), "slt": (160, 210)}  # voice: f0 means (Hz)
#: Speeds relative to the synthesiser's default, and espeak-ng's pitch (0–99; flite's is per voice, above).
SPEEDS = (0.85, 1.15)
ESPEAK_PITCHES = (35, 65)
SILENCE = 0.01
MARGIN_S = 0.05


@dataclass(frozen=True)
class Utterance:
    word: str
    speaker: str  # e.g. `espeak:en-gb-x-rp+f2`, `flite:slt`
    speed: float
    pitch: int  # espeak-ng's 0–99 pitch, or flite's mean f0 in Hz

    @property
    def synthesiser(self) -> str:
        return self.speaker.split(":")[0]

    @property
    def voice(self) -> str:
        return self.speaker.split(":")[1]

    def command(self) -> list[str]:
        """The synthesiser's command line that writes the utterance as WAV to stdout."""
        if self.synthesiser == "espeak":
            words_per_minute = round(175 * self.speed)
            return ["espeak-ng", "-v", self.voice, "-s", str(words_per_minute), "-p", str(self.pitch), "--stdout",
                    self.word]  # fmt: skip
        return ["flite", "-voice", self.voice, "--setf", f"duration_stretch={1 / self.speed:.4f}", "--setf",
                f"int_f0_target_mean={self.pitch}", "-t", self.word, "-o", "/dev/stdout"]  # fmt: skip


def speakers() -> list[str]:
    espeak = [f"espeak:{v}+{var}" if var else f"espeak:{v}" for v in ESPEAK_VOICES for var in ESPEAK_VARIANTS]
    return espeak + [f"flite:{v}" for v in FLITE_VOICES]


def utterances(words: tuple[str, ...] = VOCABULARY) -> list[Utterance]:
    """Every word × speaker × speed × pitch, in that order."""
    out = []
    for word, speaker, speed, level in itertools.product(words, speakers(), SPEEDS, range(2)):
        flite = speaker.startswith("flite:")
        pitch = FLITE_VOICES[speaker.split(":")[1]][level] if flite else ESPEAK_PITCHES[level]
        out.append(Utterance(word, speaker, speed, pitch))
    return out


def require_synthesisers() -> dict[str, str]:
    """The synthesisers' version lines; a clear error naming the Debian packages when one is missing."""
    missing = [tool for tool in ("espeak-ng", "flite") if shutil.which(tool) is None]
    if missing:
        raise BenchError(
            f"{' and '.join(missing)} not found: the audio tasks synthesise their speech with Debian's espeak-ng and "
            "flite (run scripts/system-packages.sh, or apt-get install espeak-ng flite)"
        )
    espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout
    flite = subprocess.run(["flite", "--version"], capture_output=True, text=True).stdout  # exits 1
    flite_version = [line.strip() for line in flite.splitlines() if "version" in line]
    return {"espeak-ng": espeak.split("Data at")[0].strip(), "flite": (flite_version or [flite.strip()])[0]}


def synthesise(u: Utterance) -> np.ndarray:
    """The utterance as 16-bit PCM at 16 kHz, trimmed of leading and trailing silence."""
    done = subprocess.run(u.command(), capture_output=True, check=False)
    if done.returncode != 0 or not done.stdout:
        raise BenchError(f"{u.synthesiser} could not speak {u.word!r} as {u.voice}: {done.stderr.decode().strip()}")
    import soundfile as sf

    x, rate = sf.read(io.BytesIO(done.stdout), dtype="float32")
    if x.ndim > 1:
        x = x.mean(axis=1)
    if rate != SAMPLE_RATE:
        import torch
        import torchaudio

        x = torchaudio.functional.resample(torch.from_numpy(x), rate, SAMPLE_RATE).numpy()
    return to_pcm16(trim(x))


def trim(x: np.ndarray) -> np.ndarray:
    """x without the samples before its first and after its last sample above 1 % of its peak (50 ms kept)."""
    loud = np.flatnonzero(np.abs(x) > SILENCE * np.abs(x).max())
    margin = round(MARGIN_S * SAMPLE_RATE)
    return x[max(loud[0] - margin, 0) : loud[-1] + margin + 1]


def to_pcm16(x: np.ndarray) -> np.ndarray:
    return np.round(np.clip(x, -1.0, 1.0) * 32767).astype(np.int16)


@dataclass(frozen=True)
class SpokenWords:
    """The synthesised set: every waveform (int16, 16 kHz) and its manifest row (same order)."""

    waveforms: list[np.ndarray]
    manifest: pd.DataFrame


def generate(items: list[Utterance]) -> SpokenWords:
    """Synthesise every utterance (the synthesisers run in parallel; the order is the input's)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        waveforms = list(pool.map(synthesise, items))
    lengths = np.array([len(w) for w in waveforms])
    manifest = pd.DataFrame(
        {
            "id": np.arange(len(items)),
            "word": [u.word for u in items],
            "speaker": [u.speaker for u in items],
            "synthesiser": [u.synthesiser for u in items],
            "voice": [u.voice for u in items],
            "speed": [u.speed for u in items],
            "pitch": [u.pitch for u in items],
            "start": np.concatenate([[0], np.cumsum(lengths)[:-1]]),
            "length": lengths,
        }
    )
    return SpokenWords(waveforms, manifest)


def write_flac(waveforms: list[np.ndarray]) -> Callable[[Path], None]:
    import soundfile as sf

    return lambda path: sf.write(path, np.concatenate(waveforms), SAMPLE_RATE, format="FLAC", subtype="PCM_16")


def read(folder: Path) -> SpokenWords:
    import soundfile as sf

    audio, _ = sf.read(folder / "speech.flac", dtype="int16")
    manifest = pd.read_csv(folder / "manifest.csv")
    waveforms = [audio[s : s + n] for s, n in zip(manifest["start"], manifest["length"], strict=True)]
    return SpokenWords(waveforms, manifest)


@cache
def spoken_words(words: tuple[str, ...] = VOCABULARY) -> SpokenWords:
    """The set for `words`, from the cache or synthesised (and cached) once."""
    versions = require_synthesisers()
    items = utterances(words)
    key = digest(GENERATOR_VERSION, versions, [vars(u) for u in items], SAMPLE_RATE, SILENCE, MARGIN_S)
    folder = cache_root() / "data" / f"spoken-words-{key[:16]}"
    if load_folder(folder) is None:
        spoken = generate(items)
        files = {
            "speech.flac": write_flac(spoken.waveforms),
            "manifest.csv": lambda p: spoken.manifest.to_csv(p, index=False),
        }
        store_folder(folder, files, {"utterances": len(items), "synthesisers": versions})
    return read(folder)
