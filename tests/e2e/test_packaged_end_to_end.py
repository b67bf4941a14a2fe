"""A task whose roster mixes a trained-here encoder with a packaged pretrained network, end to end through
the command line: every cell scores (a pretrained target has no decoder, so no reconstruction), the encoder
report marks it pretrained, and the leaderboard compares stitched with no-stitch accuracy on its pairs."""

from __future__ import annotations

import json

import pandas as pd

from tests.helpers import bench

TASK = '''
"""Real digits (scikit-learn's bundled set), a small stratified split, for the packaged-encoder test."""

from functools import cache

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from bench.data.rosters import IMAGE_TRAINING
from bench.encoders import EncoderSpec, trained_roster
from bench.tasks import Split, Task


@cache
def splits():
    data = load_digits()
    ids = np.arange(len(data.target))
    train, test = train_test_split(ids, train_size=1000, test_size=300, stratify=data.target, random_state=0)
    images = torch.as_tensor(data.images / 16.0, dtype=torch.float32).unsqueeze(1)
    return {n: Split(images[i], data.target[i].astype(np.int64), i) for n, i in (("train", train), ("test", test))}


class SmallDigits(Task):
    name = "small-digits"
    modality = "images"
    n_classes = 10
    protocols = ("stitched_classification", "translation_fidelity", "reconstruction", "similarity")
    input_shape = (1, 8, 8)

    def load_split(self, split):
        return splits()[split]

    def roster(self):
        recipe = {**IMAGE_TRAINING, "batch_size": 64}  # the digits recipe, smaller batches for 1,000 images
        return trained_roster({"mlp": (64, (0,), {**recipe, "epochs": 40}), "mlp-ae": (16, (0,), {"epochs": 200})}) + [
            EncoderSpec("lite0", "efficientnet-lite0", 1280, kind="packaged", inputs={"resolution": 32})
        ]
'''

MANIFEST = """
name = "packaged"
tasks = ["small-digits"]
methods = ["procrustes", "relative", "absolute"]
anchors = [0, 50]
seeds = [0]
"""


def test_packaged_encoder_in_a_run(tmp_path, cache_dir) -> None:
    plugins = tmp_path / "tasks"
    plugins.mkdir()
    (plugins / "small_digits.py").write_text(TASK)
    (tmp_path / "packaged.toml").write_text(MANIFEST)
    results = tmp_path / "results"
    env = {"BENCH_TASKS_PATH": str(plugins)}
    proc = bench("run", "--manifest", str(tmp_path / "packaged.toml"), "--results", str(results), "--quiet",
                 cache=cache_dir, env=env)  # fmt: skip
    assert "failed" not in proc.stdout
    df = pd.read_csv(results / "results.csv")
    assert set(df.status) == {"ok", "not_applicable"} and len(df) == 9 * 3
    to_lite = df[(df.target == "lite0") & (df.status == "ok")]
    assert to_lite["reconstruction_mse"].isna().all() and to_lite["stitched_acc"].notna().all()
    to_ae = df[(df.target == "ae-s0") & (df.method == "procrustes")]
    assert to_ae["reconstruction_mse"].notna().all()
    report = json.loads((results / "encoders" / "small-digits.json").read_text())["lite0"]
    assert report["pretrained"] == "ImageNet-1k, frozen" and len(report["weights_sha256"]) == 64
    assert 0.5 < report["probe_accuracy"] <= 1  # a frozen encoder's own score: its linear probe
    board = (results / "tasks" / "small-digits.md").read_text()
    assert "### Pairs with a pretrained encoder at 50 anchors" in board
    assert "| ImageNet-1k, frozen" in board
