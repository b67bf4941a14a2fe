"""An encoder's fingerprint keys its cached spaces and checkpoint: it must change exactly when the weights would
(the task's data version, the spec, the encoder code version, torch's release) and never because code moved.
A change to the values below retrains every user's encoders, so it must be deliberate (bump
`ENCODER_CODE_VERSION` and update them); moving code must leave them as they are."""

from __future__ import annotations

import pytest
import torch

from bench.encoders import EncoderSpec, fingerprint
from bench.encoders.spec import ENCODER_CODE_VERSION

MLP = EncoderSpec("mlp-s0", "mlp", 64, seed=0, training={"epochs": 40, "batch_size": 64, "lr": 0.001})
LITE0 = EncoderSpec("effnet-lite0", "efficientnet-lite0", 1280, kind="packaged", inputs={"resolution": 112})
FASTTEXT = EncoderSpec(
    "fasttext-sg-s1", "fasttext-sg", 100, kind="fitted", seed=1,
    training={"vector_size": 100, "window": 5, "min_count": 5, "epochs": 20, "workers": 1},
)  # fmt: skip


@pytest.mark.parametrize(
    ("task", "version", "spec", "expected"),
    [
        ("digits", "1", MLP, "82c7ebeb8321dc796a9bd4f8c36048b07b82a74fe146f8fb1abd91c60e4dd22b"),
        ("fashion-mnist", "1", LITE0, "6873739ef0217585f016231a8d9096a09cfcc2bc14a3fb0befa18121201f673e"),
        ("wordnet-words", "2", FASTTEXT, "64a522a12d5029e261ea728a59bdeab793fa002cb50475d912857eec7ebe078c"),
    ],
)
def test_fingerprints_are_stable(task, version, spec, expected, monkeypatch) -> None:
    monkeypatch.setattr(torch, "__version__", "2.14.1+cu130")  # the release the values were computed with
    assert ENCODER_CODE_VERSION == "3"
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
