"""Errors shown to users as one line, never as a traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class BenchError(Exception):
    """A user-facing error; its message is a single line."""


class UnknownName(BenchError):
    """A name that no registry holds, answered with the closest names it does hold."""

    def __init__(self, kind: str, name: str, known: Iterable[str]):
        known = sorted(known)
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        listing = "" if close else f"; known: {', '.join(known) or 'none'}"
        super().__init__(f"unknown {kind} {name!r}{hint}{listing}")
        self.name, self.suggestions = name, close


class NotApplicable(BenchError):
    """The cell cannot be scored by construction (e.g. identity map between spaces of different dims)."""


class Skipped(BenchError):
    """The cell's data or weights are absent; the message says how to provide them."""
