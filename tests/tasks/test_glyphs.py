"""The glyphs task: seeded jitter, rendering checked by hand on a real font, deterministic generation, a
clear message naming missing font packages, and a real font hold-out between train and test."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from PIL import ImageFont

from bench.data import glyphs as MODULE
from bench.errors import BenchError
from bench.manifest import Manifest
from bench.plugins import get_task, plugins
from bench.runner import resolve

TASK = plugins().tasks.get("glyphs")
PACKAGES = MODULE.font_packages()
HAVE_FONTS = not MODULE.missing_packages(list(PACKAGES))
needs_fonts = pytest.mark.skipif(not HAVE_FONTS, reason="the Debian font packages are not installed (`make setup`)")


@pytest.fixture(scope="module")
def go_faces() -> list:
    """The faces of one small package (the Go fonts: sans, mono and smallcaps in four weights/slants)."""
    return MODULE.faces({"fonts-go": PACKAGES["fonts-go"]})


def ink_box(image: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.nonzero(image)
    return rows.min(), rows.max() + 1, cols.min(), cols.max() + 1


def test_font_list_names_styles_and_packages() -> None:
    assert len(PACKAGES) >= 70 and all(p.startswith("fonts-") for p in PACKAGES)
    assert set(PACKAGES.values()) == {"serif", "sans", "mono", "display", "handwriting", "mixed"}


def test_jitter_depends_only_on_face_letter_and_sample() -> None:
    face = MODULE.Face("fonts-x", "sans", "/somewhere/X-Regular.ttf", "X", "Regular")
    moved = replace(face, path="/elsewhere/X-Regular.ttf", family="Other")
    assert MODULE.jitter(face, "A", 0) == MODULE.jitter(moved, "A", 0)
    draws = {MODULE.jitter(face, letter, s) for letter in MODULE.LETTERS for s in range(3)}
    assert len(draws) == 30
    assert all(0 <= j.stroke <= 3 and -2 <= j.dx <= 2 and -2 <= j.dy <= 2 and 0.8 <= j.scale <= 1 for j in draws)


def test_missing_font_packages_are_named(tmp_path) -> None:
    listing = tmp_path / "fonts.txt"
    listing.write_text("# package style\nfonts-go mixed\nfonts-no-such-face sans\n")
    with pytest.raises(BenchError, match="not installed: fonts-no-such-face \\(`make setup`"):
        MODULE.faces(MODULE.font_packages(listing))


@needs_fonts
def test_rendering_fits_the_box_and_applies_the_jitter(go_faces) -> None:
    font = ImageFont.truetype(next(f for f in go_faces if f.face == "Regular" and f.family == "Go").path, 64)
    plain = MODULE.render(font, "H", MODULE.Jitter(stroke=0, scale=1.0, dx=0, dy=0))
    assert plain.shape == (28, 28) and plain.dtype == np.uint8
    top, bottom, left, right = ink_box(plain)
    assert max(bottom - top, right - left) in (20, 21)  # Lanczos may leave a faint edge pixel
    assert abs((top + bottom) / 2 - 14) <= 1 and abs((left + right) / 2 - 14) <= 1
    shifted = MODULE.render(font, "H", MODULE.Jitter(stroke=0, scale=1.0, dx=2, dy=-1))
    np.testing.assert_array_equal(shifted[:-1, 2:], plain[1:, :-2])
    small = MODULE.render(font, "H", MODULE.Jitter(stroke=0, scale=0.8, dx=0, dy=0))
    assert max(ink_box(small)[1] - ink_box(small)[0], ink_box(small)[3] - ink_box(small)[2]) in (16, 17)
    bold = MODULE.render(font, "H", MODULE.Jitter(stroke=3, scale=1.0, dx=0, dy=0))
    assert bold.astype(int).sum() > 1.2 * plain.astype(int).sum()


@needs_fonts
def test_generation_is_deterministic_with_a_manifest(go_faces) -> None:
    images, manifest = MODULE.generate(go_faces)
    again, manifest_again = MODULE.generate(list(go_faces))
    np.testing.assert_array_equal(images, again)
    assert manifest.equals(manifest_again)
    assert len(images) == len(go_faces) * 10 * MODULE.SAMPLES and images.shape[1:] == (28, 28)
    assert {"path", "package", "style", "family", "face", "letter", "sample", "stroke", "scale", "dx", "dy"} <= set(
        manifest.columns
    )
    assert (manifest["letter"].map(MODULE.LETTERS.index) == manifest["label"]).all()


@needs_fonts
def test_fonts_are_held_out_by_package() -> None:
    images, manifest = MODULE.dataset()
    train, test = (manifest[manifest["split"] == s] for s in ("train", "test"))
    assert set(train["package"]).isdisjoint(test["package"]) and set(train["path"]).isdisjoint(test["path"])
    assert manifest["path"].nunique() >= 300 and len(test) >= 0.1 * len(manifest)
    task = get_task("glyphs")
    train_split, test_split = task.load_split("train"), task.load_split("test")
    assert train_split.inputs.shape == (6000, 1, 28, 28) and test_split.inputs.shape == (1000, 1, 28, 28)
    assert set(manifest["path"].iloc[test_split.ids]) <= set(test["path"])
    assert set(manifest["path"].iloc[train_split.ids]) <= set(train["path"])
    assert min(Counter(test_split.labels.tolist()).values()) >= 95  # stratified on the letter
    np.testing.assert_array_equal(test_split.inputs[:, 0].numpy() * 255, images[test_split.ids])


def test_roster_and_default_suite() -> None:
    roster = get_task("glyphs").roster()
    trained = Counter(s.architecture for s in roster if s.architecture != "mlp-ae")
    assert len(trained) >= 3 and min(trained.values()) >= 3 and any(s.architecture == "mlp-ae" for s in roster)
    manifest = Manifest(name="x", tasks=("*",), methods=("procrustes",), anchors=(10,), seeds=(0,))
    tasks = {c.task for c in resolve(manifest)}
    assert "glyphs" in tasks and "glyphs-full" not in tasks
