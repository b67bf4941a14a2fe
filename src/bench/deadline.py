"""A per-cell time limit that works wherever a cell is scored: in the main thread, in a pool process, or in a
Dask worker's thread (where a signal cannot be used).

When the limit passes, a timer thread raises `CellTimeout` in the scoring thread (CPython's
`PyThreadState_SetAsyncExc`). The exception arrives between Python bytecodes, so one long native call (a large
BLAS product, an SVD) finishes before the cell stops; a cell is never stopped after its block has exited.
"""

from __future__ import annotations

import ctypes
import threading


class CellTimeout(BaseException):
    """A cell ran past its time limit. A `BaseException`, so that no `except Exception` inside a method or a
    library swallows it."""


class deadline:
    """Within the block, `CellTimeout` is raised in this thread once `seconds` have passed (never when None)."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._armed = False

    def __enter__(self) -> None:
        if self.seconds is None:
            return
        self._thread, self._armed = threading.get_ident(), True
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            if self._armed:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread), ctypes.py_object(CellTimeout))

    def __exit__(self, *exc: object) -> None:
        if self.seconds is None:
            return
        with self._lock:
            self._armed = False
        self._timer.cancel()
