"""An audio task's recordings: what it gives its encoders (`bench.encoders.audio`, `bench.encoders.hub`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Recordings:
    """Waveforms (N × S, int16 at 16 kHz, zero-padded at the end) and each one's length in samples."""

    waveforms: Tensor
    lengths: Tensor

    @classmethod
    def from_waveforms(cls, waveforms: list[np.ndarray], samples: int) -> Recordings:
        """Each waveform cut or zero-padded to `samples`."""
        out = np.zeros((len(waveforms), samples), dtype=np.int16)
        lengths = np.array([min(len(w), samples) for w in waveforms], dtype=np.int64)
        for i, (w, n) in enumerate(zip(waveforms, lengths, strict=True)):
            out[i, :n] = w[:n]
        return cls(torch.from_numpy(out), torch.from_numpy(lengths))

    def floats(self, rows: Tensor) -> Tensor:
        """The rows' waveforms in [−1, 1] (float32)."""
        return self.waveforms[rows.cpu()].float() / 32768.0
