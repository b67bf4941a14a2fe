"""Checkpoints of the encoders trained here: one safetensors file per encoder (its path from
`SpaceCache.checkpoint_path`), whose metadata holds the SHA-256 of its tensors; one that does not load or does
not match is removed and the encoder trained again."""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import safe_open, save_file

from bench.atomic import write_with


def tensors_digest(state: dict[str, torch.Tensor]) -> str:
    """SHA-256 over the tensors' names, dtypes, shapes and bytes, in name order."""
    h = hashlib.sha256()
    for name in sorted(state):
        t = state[name].detach().cpu().contiguous()
        h.update(f"{name}{t.dtype}{tuple(t.shape)}".encode())
        h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()


def save_checkpoint(path: Path, state: dict[str, torch.Tensor]) -> None:
    """Atomically write `state` as safetensors with its `tensors_digest` in the metadata."""
    state = {k: v.detach().cpu().contiguous() for k, v in state.items()}
    write_with(path, lambda tmp: save_file(state, str(tmp), metadata={"sha256": tensors_digest(state)}), ".safetensors")


def load_checkpoint(path: Path) -> dict[str, torch.Tensor] | None:
    """The checkpoint's tensors; None when absent, or when it does not load or its digest does not match
    (the corrupt file is then removed, to be rebuilt). A checkpoint without a digest is trusted if it loads."""
    if not path.is_file():
        return None
    try:
        with safe_open(str(path), framework="pt") as f:
            expected = (f.metadata() or {}).get("sha256")
            state = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 (a safetensors handle)
        if expected is not None and tensors_digest(state) != expected:
            raise ValueError("checksum mismatch")
    except (SafetensorError, ValueError, OSError):
        path.unlink(missing_ok=True)
        return None
    return state
