"""The papers' own protocols on the CI manifest: relative-trained encoders (deterministic, as accurate as the usual
ones), stitching into the target's own trained decoder (relative decoders across seeds; absolute ones at chance;
a target with itself at its own accuracy; anchors other than the training ones not applicable), and the two
unpaired settings of the methods that use unpaired samples."""

from __future__ import annotations

import json

import pytest
import torch

from bench.cache import SpaceCache
from bench.embed import Embedder
from bench.encoders.architectures import RelativeClassifier
from bench.plugins import get_task
from bench.records import read_records


@pytest.fixture(scope="module")
def records(ci_run) -> list[dict]:
    root, _ = ci_run
    return [r for r in read_records(root / "results") if r["status"] == "ok"]


def cell(records: list[dict], **fields) -> list[dict]:
    return [r for r in records if all(r.get(k) == v for k, v in fields.items())]


def test_relative_trained_encoders_are_as_accurate_and_record_their_anchors(ci_run) -> None:
    root, _ = ci_run
    reports = json.loads((root / "results" / "encoders" / "digits.json").read_text())
    for seed in (0, 1):
        absolute, relative = reports[f"mlp-s{seed}"], reports[f"rel-mlp-s{seed}"]
        assert relative["accuracy"] > relative["floor_accuracy"]
        assert abs(relative["accuracy"] - absolute["accuracy"]) < 0.03
        assert relative["relative_anchors"]["anchors"] == 300 and relative["relative_anchors"]["seed"] == 0
    assert reports["rel-mlp-s0"]["relative_anchors"]["ids"] == reports["rel-mlp-s1"]["relative_anchors"]["ids"]


def test_relative_training_is_deterministic_for_a_seed(cache_dir, tmp_path) -> None:
    task = get_task("digits")
    spec = task.encoder("rel-mlp-s0")
    fresh = Embedder(SpaceCache(tmp_path / "cache")).model(task, spec)
    cached = Embedder(SpaceCache(cache_dir)).model(task, spec)  # trained by the CI run, in another process
    for name, tensor in fresh.state_dict().items():
        assert torch.equal(tensor, cached.state_dict()[name]), name


def test_relative_decoder_reads_the_pattern_of_similarities_not_their_level() -> None:
    # the similarities are layer-normalised first (as in the authors' code): a common offset and scale of one
    # sample's similarities to every anchor do not change its logits, so training does not start on a plateau
    torch.manual_seed(0)
    model = RelativeClassifier(torch.nn.Identity(), n_classes=10, anchors=torch.randn(300, 16))
    r = torch.rand(5, 300) * 2 - 1
    assert torch.allclose(model.decode_relative(0.5 * r + 0.4), model.decode_relative(r), atol=1e-4)
    assert not torch.allclose(model.decode_relative(r.flip(1)), model.decode_relative(r), atol=1e-2)


def test_relative_decoders_stitch_across_seeds_and_absolute_ones_do_not(records) -> None:
    for source, target in (("rel-mlp-s0", "rel-mlp-s1"), ("rel-mlp-s1", "rel-mlp-s0")):
        (r,) = cell(records, method="relative", source=source, target=target, anchors=300)
        assert r["metrics"]["decoder_ratio"] > 0.9  # the relative-representations protocol
    for source, target in (("mlp-s0", "mlp-s1"), ("mlp-s1", "mlp-s0")):
        (r,) = cell(records, method="absolute", source=source, target=target)
        # an absolute decoder fed another seed's latents collapses (chance 0.1; its own accuracy is ~0.97)
        assert r["metrics"]["decoder_acc"] < 0.3 < 0.9 < r["metrics"]["decoder_native_acc"]


def test_own_decoder_of_a_target_with_itself_is_its_own_accuracy(records) -> None:
    selves = [r for r in records if r["source"] == r["target"] and "decoder_acc" in r["metrics"]]
    identical = [r for r in selves if r["method"] in ("absolute", "relative")]
    assert len(identical) >= 6
    for r in identical:
        assert r["metrics"]["decoder_acc"] == r["metrics"]["decoder_native_acc"], (r["method"], r["source"])


def test_relative_decoders_take_only_their_training_anchors(records) -> None:
    (off,) = cell(records, method="relative", source="rel-mlp-s0", target="rel-mlp-s1", anchors=10)
    assert "decoder_acc" not in off["metrics"] and off["notes"]["own_decoder"].startswith("not applicable")
    assert off["metrics"]["stitched_acc"] > 0  # the fitted-head protocol still applies
    (absolute_target,) = cell(records, method="relative", source="mlp-s0", target="mlp-s1", anchors=300)
    assert "decoder_acc" not in absolute_target["metrics"]  # an absolute decoder takes no relative representation


def test_unpaired_methods_run_in_both_settings(records) -> None:
    for method in ("lfm", "anchor-bootstrapping", "gw-procrustes"):
        settings = {r["unpaired"] for r in cell(records, method=method)}
        assert settings == {"shared", "disjoint"}, method
    assert {r["unpaired"] for r in cell(records, method="procrustes")} == {""}
    (shared,) = cell(records, method="gw-procrustes", source="mlp-s0", target="mlp-s0", unpaired="shared")
    assert shared["metrics"]["stitched_ratio"] > 0.95  # the same samples on both sides: the identity is found
