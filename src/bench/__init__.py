"""latent-bench: a benchmark suite for latent communication between independently trained encoders."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`bench.load_results`, imported when first used (the command line's `ls` never pays for pandas)."""
    if name == "load_results":
        from bench.report.table import load_results

        return load_results
    raise AttributeError(f"module 'bench' has no attribute {name!r}")
