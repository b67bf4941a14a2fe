"""Atomic file writes: write to a temporary file in the same folder, then `os.replace`.

A reader, or a run resumed after its predecessor was killed, sees either the old file or the new one,
never a part of one (durability across an operating-system crash, which would need fsync, is not sought).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def atomic_path(path: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path` in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or ".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=1, sort_keys=True, allow_nan=True) + "\n")


def write_with(path: Path, writer: Callable[[Path], None], suffix: str = "") -> None:
    """Atomically create `path` with `writer(tmp_path)` (for libraries that write files themselves)."""
    with atomic_path(path, suffix=suffix) as tmp:
        writer(tmp)
