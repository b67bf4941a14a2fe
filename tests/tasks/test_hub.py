"""Hub encoders and the torchvision data sets of the full runs, exercised offline: weights saved from a built
architecture load through the same code path (timm and open_clip), absent weights or data skip the cells
with how to provide them, and the data sets are read from small fixtures in the official formats."""

from __future__ import annotations

import json
import pickle
import sys

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from bench.encoders import EncoderSpec
from bench.encoders.build import build
from bench.encoders.hub import parse
from bench.encoders.images import FrozenImageEncoder
from bench.errors import BenchError, Skipped
from bench.plugins import get_task, plugins
from tests.helpers import bench, tiny_clip_config

TASKS = ("mnist-pretrained", "fashion-mnist-pretrained", "cifar10-pretrained", "cifar100-pretrained")
FASHION = sys.modules[plugins().tasks.get("fashion-mnist").__module__]


def images(n: int = 4) -> torch.Tensor:
    """Real photographs (scikit-learn's two sample images), cut into n 64×64 crops, in [0, 1]."""
    from sklearn.datasets import load_sample_images

    photos = load_sample_images().images
    crops = [photo[100 + 64 * i : 164 + 64 * i, 200:264] for i in range(n // 2) for photo in photos]
    return torch.as_tensor(np.stack(crops)).permute(0, 3, 1, 2).float() / 255


def test_parse_names_library_model_and_tag() -> None:
    assert parse("timm/rexnet_100") == ("timm", "rexnet_100", None)
    assert parse("open_clip/ViT-B-32:openai") == ("open_clip", "ViT-B-32", "openai")
    with pytest.raises(BenchError, match=r"unknown hub library 'tim'.*timm"):
        parse("tim/rexnet_100")
    with pytest.raises(BenchError, match="expected library/model"):
        parse("timm/")


def test_timm_weights_load_from_a_local_file(offline_hub) -> None:
    import timm

    reference = timm.create_model("test_vit", pretrained=False).eval()
    save_file({k: v.contiguous() for k, v in reference.state_dict().items()}, offline_hub / "tiny-vit.safetensors")
    spec = EncoderSpec("tiny-vit", "timm/test_vit", 64, kind="hub")
    encoder = build(spec)
    x = images()
    expected = FrozenImageEncoder.from_timm(reference).encode(x)
    assert encoder.resolution == 160 and expected.shape == (4, 64)
    torch.testing.assert_close(encoder.encode(x), expected, rtol=0, atol=0)
    other = FrozenImageEncoder.from_timm(timm.create_model("test_vit", pretrained=False).eval()).encode(x)
    assert not torch.allclose(other, expected)  # a fresh initialisation differs: the file's weights were loaded


def test_absent_timm_weights_skip_with_how_to_provide_them(offline_hub) -> None:
    with pytest.raises(Skipped, match=f"not found offline.*{offline_hub}/vit-s.safetensors.*pretrained=True"):
        build(EncoderSpec("vit-s", "timm/vit_small_patch16_224", 384, kind="hub"))
    with pytest.raises(BenchError, match=r"unknown timm model 'vit_smal_patch16_224'.*vit_small_patch16_224"):
        build(EncoderSpec("vit-s", "timm/vit_smal_patch16_224", 384, kind="hub"))


def test_open_clip_weights_load_from_a_local_file(offline_hub, tmp_path) -> None:
    import open_clip

    tiny_clip_config(tmp_path)
    reference = open_clip.create_model("bench-tiny-clip").eval()
    torch.save(reference.state_dict(), offline_hub / "tiny-clip.pth")
    encoder = build(EncoderSpec("tiny-clip", "open_clip/bench-tiny-clip", 32, kind="hub"))
    x = images()
    cfg = reference.visual.preprocess_cfg
    expected = FrozenImageEncoder(reference.visual, 32, cfg["mean"], cfg["std"]).encode(x)
    assert expected.shape == (4, 32) and encoder.resolution == 32
    torch.testing.assert_close(encoder.encode(x), expected, rtol=0, atol=0)


def test_absent_open_clip_weights_skip(offline_hub) -> None:
    with pytest.raises(Skipped, match=r"clip-b32.safetensors.*pretrained='openai'"):
        build(EncoderSpec("clip-b32", "open_clip/ViT-B-32:openai", 512, kind="hub"))
    with pytest.raises(BenchError, match=r"unknown open_clip tag of ViT-B-32 'opnai'.*openai"):
        build(EncoderSpec("clip-b32", "open_clip/ViT-B-32:opnai", 512, kind="hub"))


def test_vision_tasks_are_outside_the_default_suite_with_the_papers_roster() -> None:
    for name in TASKS:
        task = get_task(name)
        assert not task.in_default_suite
        assert {s.architecture for s in task.roster()} >= {"timm/rexnet_100", "open_clip/ViT-B-32:openai"}


def test_absent_data_skips_the_cells(tmp_path, cache_dir) -> None:
    proc = bench(
        "run", "--manifest", "benchmarks/vision-pretrained.toml", "--task", "cifar100-pretrained",
        "--method", "procrustes", "--anchors", "10", "--seeds", "0", "--results", str(tmp_path / "results"),
        "--quiet", cache=cache_dir, env={"BENCH_TORCHVISION_DATA": str(tmp_path / "data")},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(p.read_text()) for p in (tmp_path / "results" / "records").glob("*/*.json")]
    assert len(records) == 25 and {r["status"] for r in records} == {"skipped"}
    assert f"CIFAR100 not found under {tmp_path / 'data'}" in records[0]["error"]
    assert "download=True" in records[0]["error"]
    assert "Skipped cells (25)" in (tmp_path / "results" / "tasks" / "cifar100-pretrained.md").read_text()


def write_raw_idx(path, data: np.ndarray, magic: int) -> None:
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in data.shape)
    path.write_bytes(header + data.astype(np.uint8).tobytes())


@pytest.mark.skipif(not (FASHION.folder() / FASHION.FILES["test"][0]).is_file(), reason="no Fashion-MNIST")
@pytest.mark.parametrize(
    "task_name,folder", [("mnist-pretrained", "MNIST"), ("fashion-mnist-pretrained", "FashionMNIST")]
)
def test_mnist_format_read_by_torchvision(tmp_path, monkeypatch, task_name, folder) -> None:
    """A fixture in MNIST's raw format holding the first real Fashion-MNIST test images."""
    x, y = FASHION.official("test")
    raw = tmp_path / folder / "raw"
    raw.mkdir(parents=True)
    for prefix, n in (("train", 30), ("t10k", 12)):
        write_raw_idx(raw / f"{prefix}-images-idx3-ubyte", x[:n], 2051)
        write_raw_idx(raw / f"{prefix}-labels-idx1-ubyte", y[:n], 2049)
    monkeypatch.setenv("BENCH_TORCHVISION_DATA", str(tmp_path))
    test = get_task(task_name).load_split("test")
    assert test.inputs.shape == (12, 1, 28, 28) and test.inputs.dtype == torch.float32
    np.testing.assert_array_equal(test.inputs[:, 0].numpy() * 255, x[:12])
    np.testing.assert_array_equal(test.labels, y[:12])
    assert len(get_task(task_name).load_split("train").labels) == 30


@pytest.mark.parametrize("task_name,n_classes", [("cifar10-pretrained", 10), ("cifar100-pretrained", 100)])
def test_cifar_format_read_by_torchvision(tmp_path, monkeypatch, task_name, n_classes) -> None:
    """A fixture in CIFAR's pickled-batch format holding 32×32 crops of real photographs (label: the photo).
    torchvision checks the official files' MD5 sums, which a fixture cannot match; that check alone is bypassed."""
    import torchvision.datasets.cifar

    task = get_task(task_name)
    crops = (images(8) * 255).round().to(torch.uint8)[:, :, :32, :32]  # N×3×32×32
    labels = [i % 2 for i in range(8)]
    folder = tmp_path / task.folder
    folder.mkdir()
    key = "labels" if n_classes == 10 else "fine_labels"
    dataset = getattr(torchvision.datasets, task.dataset)
    for name, _ in dataset.train_list + dataset.test_list:
        batch = {"data": crops.reshape(8, -1).numpy(), key: labels}
        (folder / name).write_bytes(pickle.dumps(batch))
    meta_key = dataset.meta["key"]
    (folder / dataset.meta["filename"]).write_bytes(pickle.dumps({meta_key: [f"c{i}" for i in range(n_classes)]}))
    monkeypatch.setattr(torchvision.datasets.cifar, "check_integrity", lambda *args, **kwargs: True)
    monkeypatch.setenv("BENCH_TORCHVISION_DATA", str(tmp_path))
    test = task.load_split("test")
    assert test.inputs.shape == (8, 3, 32, 32)
    torch.testing.assert_close(test.inputs * 255, crops.float(), rtol=0, atol=1e-4)
    np.testing.assert_array_equal(test.labels, labels)
    assert len(task.load_split("train").labels) == 8 * len(dataset.train_list)


def test_torchaudio_bundle_loads_weights_from_a_local_file(offline_hub, monkeypatch, tmp_path) -> None:
    import torchaudio

    from bench.data import speech
    from bench.data.recordings import Recordings

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))  # an empty torch hub cache
    spoken = speech.generate([speech.Utterance(w, "flite:slt", 1.0, 160) for w in ("zero", "seven")])
    recordings = Recordings.from_waveforms(spoken.waveforms, 16_000)
    spec = EncoderSpec("wav2vec2-base", "torchaudio/WAV2VEC2_BASE", 768, kind="hub")
    with pytest.raises(Skipped, match=f"not found offline.*{offline_hub}/wav2vec2-base.safetensors.*get_model"):
        build(spec, recordings=recordings)
    torch.manual_seed(0)
    reference = torchaudio.models.wav2vec2_base().eval()
    torch.save(reference.state_dict(), offline_hub / "wav2vec2-base.pth")
    z = build(spec, recordings=recordings).encode(torch.arange(2))
    with torch.inference_mode():
        layers, frames = reference.extract_features(recordings.floats(torch.arange(1)), recordings.lengths[:1])
    assert z.shape == (2, 768)
    torch.testing.assert_close(z[0], layers[-1][0, : int(frames[0])].mean(0), rtol=1e-5, atol=1e-5)
    with pytest.raises(BenchError, match=r"unknown torchaudio speech bundle 'WAV2VEC_BASE'.*'WAV2VEC2_BASE'"):
        build(EncoderSpec("x", "torchaudio/WAV2VEC_BASE", 768, kind="hub"), recordings=recordings)


def test_image_caption_reads_flickr30k_and_encodes_image_rows(tmp_path, monkeypatch) -> None:
    import timm
    from PIL import Image

    from bench.encoders.images import ImageRows

    captions = sys.modules[type(get_task("image-caption")).__module__]
    monkeypatch.setenv("BENCH_FLICKR30K", str(tmp_path))
    monkeypatch.setattr(captions, "SIZES", {"test": 1, "train": 3})
    captions.dataset.cache_clear()
    try:
        with pytest.raises(Skipped, match=f"Flickr30k not found under {tmp_path}: put flickr30k-images/"):
            get_task("image-caption").load_split("test")
        (tmp_path / "flickr30k-images").mkdir()
        lines = []
        for i, crop in enumerate(images(4)):
            name = f"{1000 + i}.jpg"
            pixels = (crop.permute(1, 2, 0).numpy() * 255).astype(np.uint8)
            Image.fromarray(pixels).save(tmp_path / "flickr30k-images" / name)
            lines += [f"{name}#0\ta photograph, part {i}", f"{name}#1\tanother caption of part {i}"]
        (tmp_path / "results_20130124.token").write_text("\n".join(lines) + "\n")
        captions.dataset.cache_clear()
        task = get_task("image-caption")
        test, train = task.load_split("test"), task.load_split("train")
        assert len(test.ids) == 1 and len(train.ids) == 3 and set(test.labels) | set(train.labels) == {0, 1, 2, 3}
        context = task.context()
        assert context["images"].shape == (4, 3, 224, 224) and context["images"].dtype == torch.uint8
        assert context["corpus"].texts == tuple(f"a photograph, part {i}" for i in range(4))
        encoder = FrozenImageEncoder.from_timm(timm.create_model("test_vit", pretrained=False).eval())
        rows = ImageRows(encoder, context["images"], batch_size=3)
        direct = encoder.encode(context["images"][[2, 0]].float() / 255)
        torch.testing.assert_close(rows.encode(torch.tensor([2, 0])), direct, rtol=0, atol=0)
        kinds = {(s, t): task.pair_kind(task.encoder(s), task.encoder(t)) for s, t in task.default_pairs()}
        assert len(kinds) == 8 and kinds["clip-vit-b32", "minilm-l6"] == "image → text"
    finally:
        captions.dataset.cache_clear()
