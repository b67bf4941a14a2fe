"""Font glyphs for the `glyphs` tasks: the letters A–J rendered from the typefaces that Debian's font packages ship,
28×28 grey.

The packages and their style (serif, sans, mono, display, handwriting, mixed) are listed in
`glyph-fonts.txt` beside this file; `make setup` installs them. Every TrueType/OpenType face of those
packages that maps all ten letters is used once (one file per package, family and style name; 555 faces
from 79 packages on Debian 12). Each letter of each face is rendered three times with a jitter drawn from a
seed derived from (package, file name, letter, sample), so it does not depend on which other fonts exist:
stroke widening 0–3 px at 64 px, glyph box scaled to 80–100 % of 20 px (aspect kept, Lanczos), offset of
−2…2 px in x and y from the centre of the 28×28 canvas (as MNIST, a 20-px box in a 28-px field).

Fonts are held out between train and test by *package* (a typeface with all its weights and slants goes to
one side): scikit-learn's StratifiedGroupKFold (5 folds, shuffled, seed 0) over faces, grouped by package,
stratified by style; fold 0 is the test set. The rendered set is cached once (`glyphs-<digest>` under the
cache's `data/` folder: `images.npy` and `manifest.csv` with font file, package, style, family, face, letter,
sample and jitter of every image).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import PIL
from PIL import Image, ImageDraw, ImageFont, features
from sklearn.model_selection import StratifiedGroupKFold

from bench.cache import cache_root, digest, load_folder, save_array, store_folder
from bench.errors import BenchError

FONT_LIST = Path(__file__).with_name("glyph-fonts.txt")
LETTERS = "ABCDEFGHIJ"
SAMPLES = 3  # renderings of each letter of each face
SIZE = 28  # output side, pixels
BOX = 20  # side of the box the glyph is fitted into before jitter
RENDER_SIZE = 64  # font size the glyph is drawn at before it is fitted
#: Bumped whenever the rendering changes the images.
GENERATOR_VERSION = "1"


@dataclass(frozen=True)
class Face:
    """One typeface: the file it is read from, its package and style, and the names the font gives itself."""

    package: str
    style: str
    path: str
    family: str
    face: str


@dataclass(frozen=True)
class Jitter:
    stroke: int  # stroke widening at RENDER_SIZE, pixels
    scale: float  # fraction of BOX the glyph's longer side fills
    dx: int  # offset from the centre, pixels
    dy: int


def font_packages(path: Path = FONT_LIST) -> dict[str, str]:
    """Package → style, from the font list (`package style` per line, `#` comments)."""
    rows = [line.split() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return {package: style for package, style in rows}


def missing_packages(packages: list[str]) -> list[str]:
    """The packages dpkg does not report as installed."""
    if shutil.which("dpkg-query") is None:
        return list(packages)
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${Status}\\n", *packages], capture_output=True, text=True
    ).stdout
    installed = {line.split()[0] for line in out.splitlines() if line.endswith("install ok installed")}
    return [p for p in packages if p not in installed]


def package_fonts(package: str) -> list[str]:
    """The TrueType/OpenType files a package installed, sorted."""
    listing = subprocess.run(["dpkg-query", "-L", package], capture_output=True, text=True, check=True).stdout
    return sorted(f for f in listing.splitlines() if f.lower().endswith((".ttf", ".otf")) and Path(f).is_file())


def has_letters(path: str) -> bool:
    """Whether the font maps every one of LETTERS to a glyph (its character map, read with fontTools)."""
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # benign notes on some fonts' tables
    try:
        cmap = TTFont(path, lazy=True, fontNumber=0).getBestCmap() or {}
    except Exception:  # an unreadable or exotic file is not a face of this set
        return False
    return all(ord(c) in cmap for c in LETTERS)


def faces(packages: dict[str, str]) -> list[Face]:
    """Every face of the packages that maps all the letters, one file per (package, family, style name)."""
    missing = missing_packages(list(packages))
    if missing:
        raise BenchError(
            f"the glyphs task needs Debian font packages that are not installed: {' '.join(missing)} "
            "(`make setup` installs them, from src/bench/data/glyph-fonts.txt)"
        )
    found: dict[tuple[str, str, str], Face] = {}
    for package, style in packages.items():
        for path in package_fonts(package):
            if not has_letters(path):
                continue
            family, face = ImageFont.truetype(path, RENDER_SIZE).getname()
            found.setdefault((package, family or "", face or ""), Face(package, style, path, family or "", face or ""))
    return list(found.values())


def jitter(face: Face, letter: str, sample: int) -> Jitter:
    """The jitter of one rendering, from a seed that names the face's package and file, the letter and sample."""
    key = f"{face.package}/{Path(face.path).name}/{letter}/{sample}".encode()
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))
    stroke, dx, dy = (int(v) for v in rng.integers([0, -2, -2], [4, 3, 3]))
    return Jitter(stroke=stroke, scale=float(rng.uniform(0.8, 1.0)), dx=dx, dy=dy)


def render(font: ImageFont.FreeTypeFont, letter: str, j: Jitter) -> np.ndarray:
    """The letter drawn at RENDER_SIZE (white on black, stroke widened), cropped to its ink, fitted into
    `j.scale · BOX` pixels (longer side), and placed at the centre of a SIZE × SIZE field shifted by (dx, dy)."""
    canvas = Image.new("L", (4 * RENDER_SIZE, 4 * RENDER_SIZE), 0)
    ImageDraw.Draw(canvas).text(
        (2 * RENDER_SIZE, 2 * RENDER_SIZE),
        letter,
        fill=255,
        font=font,
        anchor="mm",
        stroke_width=j.stroke,
        stroke_fill=255,
    )
    box = canvas.getbbox()
    if box is None:
        raise BenchError(f"{font.path}: letter {letter!r} renders no ink")
    glyph = canvas.crop(box)
    factor = j.scale * BOX / max(glyph.size)
    glyph = glyph.resize(
        (max(1, round(glyph.width * factor)), max(1, round(glyph.height * factor))), Image.Resampling.LANCZOS
    )
    field = Image.new("L", (SIZE, SIZE), 0)
    field.paste(glyph, ((SIZE - glyph.width) // 2 + j.dx, (SIZE - glyph.height) // 2 + j.dy))
    return np.asarray(field, dtype=np.uint8)


def generate(faces: list[Face]) -> tuple[np.ndarray, pd.DataFrame]:
    """Render every letter of every face SAMPLES times: uint8 images (N, SIZE, SIZE) and their manifest.
    A face whose font draws any letter blank is left out."""
    images, rows = [], []
    for face in faces:
        font = ImageFont.truetype(face.path, RENDER_SIZE)
        try:
            drawn = [
                (letter, s, j, render(font, letter, j))
                for letter in LETTERS
                for s in range(SAMPLES)
                for j in [jitter(face, letter, s)]
            ]
        except BenchError:
            continue
        for letter, s, j, image in drawn:
            images.append(image)
            rows.append({**face.__dict__, "letter": letter, "label": LETTERS.index(letter), "sample": s, **j.__dict__})
    manifest = pd.DataFrame(rows)
    manifest.insert(0, "id", np.arange(len(manifest)))
    return np.stack(images), manifest


def hold_out(manifest: pd.DataFrame) -> np.ndarray:
    """`train` or `test` per image: fold 0 of a StratifiedGroupKFold over faces grouped by package."""
    per_face = manifest.drop_duplicates("path")
    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0)
    _, test = next(folds.split(per_face, per_face["style"], groups=per_face["package"]))
    test_packages = set(per_face["package"].iloc[test])
    return np.where(manifest["package"].isin(test_packages), "test", "train")


@cache
def dataset() -> tuple[np.ndarray, pd.DataFrame]:
    """The rendered set, from the cache or generated (and cached) once."""
    chosen = faces(font_packages())
    key = digest(
        GENERATOR_VERSION,
        PIL.__version__,
        features.version("freetype2"),
        [(f.package, f.path, Path(f.path).stat().st_size) for f in chosen],
    )
    folder = cache_root() / "data" / f"glyphs-{key[:16]}"
    if load_folder(folder) is None:
        images, manifest = generate(chosen)
        manifest["split"] = hold_out(manifest)
        store_folder(
            folder,
            {"images.npy": save_array(images), "manifest.csv": lambda p: manifest.to_csv(p, index=False)},
            {"faces": len(chosen), "images": len(images)},
        )
    return np.load(folder / "images.npy", allow_pickle=False), pd.read_csv(folder / "manifest.csv")
