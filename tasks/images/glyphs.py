"""Font glyphs: the letters A–J rendered 28×28 from the typefaces that Debian's font packages ship
(`bench.data.glyphs`: 555 faces of 79 packages, each letter of each face three times with seeded jitter), fonts
held out between train and test by package. The default task is a stratified subsample (seed 0) of 6,000 train
and 1,000 test images, the size of `fashion-mnist`'s, for a CPU; `glyphs-full` uses every image.
"""

from __future__ import annotations

import numpy as np

from bench.data import glyphs
from bench.data.rosters import ROSTER_28PX, relative_roster
from bench.encoders import EncoderSpec, trained_roster
from bench.tasks import Split, Task, grey_split

SUBSAMPLE = {"train": 6000, "test": 1000}


class Glyphs(Task):
    name = "glyphs"
    version = "1"
    modality = "images"
    n_classes = len(glyphs.LETTERS)
    description = (
        "letters A–J rendered 28×28 from 555 faces of 79 Debian font packages, fonts held out by package; "
        "a stratified subsample (seed 0) of 6,000 train / 1,000 test images"
    )
    provenance = "rendered with Pillow from Debian's fonts-* packages listed in src/bench/data/glyph-fonts.txt"
    licence = (
        "the fonts' own free licences (OFL, GPL with font exception, GUST, Apache, …); see each package's copyright"
    )
    protocols = ("stitched_classification", "own_decoder", "translation_fidelity", "reconstruction", "similarity")
    input_shape = (1, glyphs.SIZE, glyphs.SIZE)
    #: images kept per split (None: all of it)
    subsample: dict[str, int] | None = SUBSAMPLE

    def load_split(self, split: str) -> Split:
        images, manifest = glyphs.dataset()
        ids = manifest.loc[manifest["split"] == split, "id"].to_numpy(np.int64)
        size = self.subsample[split] if self.subsample is not None else None
        return grey_split(images, manifest["label"].to_numpy(np.int64), ids, size)

    def roster(self) -> list[EncoderSpec]:
        trained = trained_roster(ROSTER_28PX)
        return trained + relative_roster(trained)


class GlyphsFull(Glyphs):
    """Every rendered image; not in the default suite (`python -m bench run --manifest benchmarks/full-data.toml`)."""

    name = "glyphs-full"
    description = "letters A–J rendered 28×28 from 555 faces of 79 Debian font packages, fonts held out by package"
    subsample = None
    in_default_suite = False
