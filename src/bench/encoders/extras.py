"""The optional extras of `pyproject.toml` (`pip install 'latent-bench[<extra>]'`) and whether each is installed
here, told by looking its modules up (never importing them)."""

from __future__ import annotations

import importlib.util

from bench.errors import UnknownName

#: extra → the modules whose presence tells it is installed
EXTRAS = {
    "audio": ("torchaudio", "soundfile"),
    "graphs": ("torch_geometric",),
    "text": ("transformers", "gensim", "onnxruntime"),
    "images": ("timm",),
    "hub": ("timm", "open_clip", "transformers"),
    "dask": ("distributed",),
}


def missing_extra(extra: str | None) -> str | None:
    """`extra` when one of its modules cannot be found here, else None."""
    if extra is None:
        return None
    if extra not in EXTRAS:
        raise UnknownName("extra", extra, EXTRAS)
    return extra if any(importlib.util.find_spec(m) is None for m in EXTRAS[extra]) else None
