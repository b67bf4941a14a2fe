"""Atomic file writes: write to a temporary file in the same folder, then `os.replace`.

A reader, or a run resumed after its predecessor was killed, sees either the old file or the new one,
never a part of one (durability across an operating-system crash, which would need fsync, is not sought).
Files and folders get the permissions a plain `open` or `mkdir` would give them under the user's umask (the
temporary ones are created private, 0600 / 0700).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: the process's umask, read once at import (reading it means setting it, which is not thread-safe)
UMASK = _umask()


def public(path: Path, folder: bool = False) -> None:
    """Give a file (or folder) made private by `tempfile` the permissions the user's umask asks for."""
    os.chmod(path, (0o777 if folder else 0o666) & ~UMASK)


@contextmanager
def atomic_path(path: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path` in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or ".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        public(Path(tmp))
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
