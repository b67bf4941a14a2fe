"""The installed stack works offline on the CPU: what later tasks build on (audio, graphs, hub towers)."""

from __future__ import annotations

import numpy as np
import pytest
import torch


def test_torchaudio_features_on_the_cpu() -> None:
    torchaudio = pytest.importorskip("torchaudio")
    t = torch.arange(16000) / 16000
    wave = torch.sin(2 * torch.pi * 440 * t).unsqueeze(0)
    mel = torchaudio.transforms.MelSpectrogram(sample_rate=16000, n_mels=40)(wave)
    mfcc = torchaudio.transforms.MFCC(sample_rate=16000, n_mfcc=13, melkwargs={"n_mels": 40})(wave)
    assert mel.shape[:2] == (1, 40) and mfcc.shape[:2] == (1, 13)
    peak_band = mel[0, :, 5:-5].argmax(dim=0)  # away from the padded edges
    assert (peak_band == peak_band[0]).all()  # a pure tone sits in one band


def test_soundfile_round_trip(tmp_path) -> None:
    sf = pytest.importorskip("soundfile")
    wave = np.sin(np.linspace(0, 100, 8000)).astype(np.float32)
    sf.write(tmp_path / "a.wav", wave, 8000, subtype="FLOAT")
    back, rate = sf.read(tmp_path / "a.wav", dtype="float32")
    assert rate == 8000 and np.array_equal(back, wave)


def test_gcn_on_karate_club_offline() -> None:
    pyg = pytest.importorskip("torch_geometric")
    from torch_geometric.datasets import KarateClub
    from torch_geometric.nn import GCNConv

    data = KarateClub()[0]
    torch.manual_seed(0)
    out = GCNConv(data.num_features, 4)(data.x, data.edge_index)
    assert out.shape == (34, 4) and torch.isfinite(out).all() and pyg.__version__


def test_open_clip_tower_round_trips_local_weights(tmp_path) -> None:
    open_clip = pytest.importorskip("open_clip")
    torch.manual_seed(0)
    model = open_clip.create_model("ViT-B-32", pretrained=None)
    path = tmp_path / "vit-b-32.pt"
    torch.save(model.state_dict(), path)
    again = open_clip.create_model("ViT-B-32", pretrained=None)
    again.load_state_dict(torch.load(path, weights_only=True))
    image = torch.rand(1, 3, 224, 224)
    with torch.inference_mode():
        a, b = model.eval().encode_image(image), again.eval().encode_image(image)
    assert a.shape == (1, 512) and torch.equal(a, b)
