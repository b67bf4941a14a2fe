"""`python -m bench new-method NAME`: a commented method file in `baselines/` and its test in `tests/methods/`.

The template is a working method (ridge-regularised least squares) so that the generated pair passes the
suite's contract tests as written; the comments say what to replace.
"""

from __future__ import annotations

import re
from pathlib import Path

from bench.atomic import write_text
from bench.errors import BenchError
from bench.plugins import plugins

NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")

METHOD = '''"""{title}: <one line saying what the method does>.

Write the method's equations here, as the paper states them; the template's are those of ridge-regularised
least squares on the anchors X_a, Y_a:

    W = argmin_W ‖X_a W − Y_a‖²_F + λ ‖W‖²_F = (X_aᵀ X_a + λ I)⁻¹ X_aᵀ Y_a,   source(x) = x W

<Authors, title, venue, year of the source paper.>
"""

from typing import Self

import torch
from torch import Tensor

from bench.methods import Method, Properties


class {cls}(Method):
    name = "{name}"  # the name used on the command line and in the records
    # "translator": source(x) lands in the target space and the target's own head is reused;
    # "projector": both sides go to a shared space; implement target(y) too.
    family = "translator"
    # Declare only what holds: the test suite checks that each declared invariance holds and each
    # undeclared one (orthogonal, isotropic_scaling, translation, permutation, anisotropic_scaling)
    # changes the output. Also: different_dims, needs_anchors, unpaired (see bench.methods.Properties).
    properties = Properties(invariances=frozenset({{"orthogonal", "permutation"}}))
    reference = "<source paper>"
    version = "1"  # bump when the method's numbers change, so that earlier records are not mixed in
    ridge = 1e-3

    def fit(self, source_anchors: Tensor, target_anchors: Tensor, **unpaired: Tensor) -> Self:
        x = source_anchors
        gram = x.T @ x + self.ridge * torch.eye(x.shape[1], dtype=x.dtype, device=x.device)
        self.w = torch.linalg.solve(gram, x.T @ target_anchors)
        return self

    def source(self, x: Tensor) -> Tensor:
        return x @ self.w
'''

TEST = '''"""{title}: the property the method must satisfy (the generic contract and invariance tests in
tests/methods/test_methods.py run on it already). Replace the planted-map check with your method's own property,
and add a comparison with a slow, obvious implementation of it."""

import torch

from bench.plugins import get_method_class


def test_{ident}_recovers_a_planted_linear_map() -> None:
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(200, 8, generator=gen, dtype=torch.float64)
    w = torch.randn(8, 5, generator=gen, dtype=torch.float64)
    method = get_method_class("{name}")().fit(x[:100], x[:100] @ w)
    assert (method.source(x[100:]) - x[100:] @ w).abs().max() < 1e-3
'''


def new_method(name: str, home: Path) -> tuple[Path, Path]:
    """Write `baselines/<name>.py` and `tests/methods/test_<name>.py` under `home`; returns both paths."""
    if not NAME.fullmatch(name):
        raise BenchError(f"method name {name!r} must be lowercase letters and digits, words joined by '-'")
    if name in plugins().methods:
        raise BenchError(f"method {name!r} already exists ({plugins().methods.entry(name).origin})")
    ident = name.replace("-", "_")
    method_file, test_file = home / "baselines" / f"{ident}.py", home / "tests" / "methods" / f"test_{ident}.py"
    for path in (method_file, test_file):
        if path.exists():
            raise BenchError(f"{path} exists already")
    fields = {
        "name": name,
        "ident": ident,
        "cls": "".join(part.capitalize() for part in name.split("-")),
        "title": name.replace("-", " ").capitalize(),
    }
    write_text(method_file, METHOD.format(**fields))
    write_text(test_file, TEST.format(**fields))
    return method_file, test_file
