"""The digits task: a fixed stratified split, a roster of ≥ 3 architectures × ≥ 3 seeds with different
latent dims, deterministic training."""

from __future__ import annotations

from collections import Counter

import numpy as np
import torch

from bench.cache import SpaceCache
from bench.embed import Embedder
from bench.plugins import get_task


def test_split_is_fixed_stratified_and_disjoint() -> None:
    task = get_task("digits")
    train, test = task.load_split("train"), task.load_split("test")
    assert len(train.ids) == 1347 and len(test.ids) == 450
    assert not set(train.ids) & set(test.ids)
    assert train.inputs.shape == (1347, 1, 8, 8) and float(train.inputs.max()) == 1.0
    in_test, overall = Counter(test.labels.tolist()), Counter([*train.labels.tolist(), *test.labels.tolist()])
    assert all(abs(in_test[c] - 0.25 * overall[c]) <= 1 for c in range(10))  # stratified
    np.testing.assert_array_equal(task.load_split("test").ids, test.ids)


def test_roster_spans_architectures_seeds_and_dims() -> None:
    roster = get_task("digits").roster()
    by_arch = Counter(s.architecture for s in roster if s.architecture != "mlp-ae")
    assert len(by_arch) >= 3 and min(by_arch.values()) >= 3
    assert len({s.dim for s in roster}) >= 3
    assert sum(s.architecture == "mlp-ae" for s in roster) >= 2
    assert len({s.name for s in roster}) == len(roster)


def test_training_is_deterministic_and_checkpointed_as_safetensors(tmp_path) -> None:
    task = get_task("digits")
    spec = task.encoder("mlp-s1")
    a = Embedder(SpaceCache(tmp_path / "a")).model(task, spec)
    b = Embedder(SpaceCache(tmp_path / "b")).model(task, spec)
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
        assert ka == kb and torch.equal(va, vb)
    assert list((tmp_path / "a" / "checkpoints" / "digits").glob("mlp-s1-*.safetensors"))
    reloaded = Embedder(SpaceCache(tmp_path / "a")).model(task, spec)
    assert all(torch.equal(v, reloaded.state_dict()[k]) for k, v in a.state_dict().items())
