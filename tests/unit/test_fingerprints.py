"""An encoder's fingerprint keys its cached spaces and checkpoint: it must change exactly when the weights would
(the task's data version, the spec, the encoder code version, torch's release) and never because code moved.
The values below were computed before the encoders became a sub-package; a change to them retrains every user's
encoders, so it must be deliberate (bump `ENCODER_CODE_VERSION` and update them)."""

from __future__ import annotations

import pytest
import torch

from bench.encoders import EncoderSpec, fingerprint

MLP = EncoderSpec("mlp-s0", "mlp", 64, seed=0, training={"epochs": 40, "batch_size": 64, "lr": 0.001})
LITE0 = EncoderSpec("effnet-lite0", "efficientnet-lite0", 1280, kind="packaged", inputs={"resolution": 112})
FASTTEXT = EncoderSpec(
    "fasttext-sg-s1", "fasttext-sg", 100, kind="fitted", seed=1,
    training={"vector_size": 100, "window": 5, "min_count": 5, "epochs": 20, "workers": 1},
)  # fmt: skip


@pytest.mark.parametrize(
    ("task", "version", "spec", "expected"),
    [
        ("digits", "1", MLP, "535429e24e9634d9aa5604041037e57d1128edc0c757363bb3313973ebf586d6"),
        ("fashion-mnist", "1", LITE0, "da2627aa3b730204ed830662ef5af6f0b63f2d1577cab1d8b5859f5e3c875f5c"),
        ("wordnet-words", "2", FASTTEXT, "e9d7d668464102a42ddc6e6b4c10701e1ae26c40ef9031a5c2e6e9b5facfe656"),
    ],
)
def test_fingerprints_are_stable(task, version, spec, expected, monkeypatch) -> None:
    monkeypatch.setattr(torch, "__version__", "2.14.1+cu130")  # the release the values were computed with
    assert fingerprint(task, version, spec) == expected


def test_fingerprint_follows_what_changes_the_weights(monkeypatch) -> None:
    monkeypatch.setattr(torch, "__version__", "2.14.1")
    base = fingerprint("digits", "1", MLP)
    assert fingerprint("digits", "2", MLP) != base
    assert fingerprint("digits", "1", EncoderSpec(**{**MLP.__dict__, "seed": 1})) != base
    monkeypatch.setattr(torch, "__version__", "2.15.0")
    assert fingerprint("digits", "1", MLP) != base
    monkeypatch.setattr(torch, "__version__", "2.14.9")
    assert fingerprint("digits", "1", MLP) == base  # patch releases share weights
