"""The package's layers (docs/architecture.md): each module imports only from the layers below it or its own, at
the top of the file or inside a function, so that a layer can be read, tested and replaced without the ones
above it."""

from __future__ import annotations

import ast
from pathlib import Path

import bench

SOURCE = Path(bench.__file__).parent

#: layer → (its modules, by dotted prefix; the layers it may import from, besides its own)
LAYERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "foundation": (
        ("bench.errors", "bench.atomic", "bench.spaces", "bench.deadline", "bench.registry", "bench.cache",
         "bench.checkpoints", "bench.metrics", "bench.preprocessing", "bench.threads", "bench.heads"),
        (),
    ),
    "specs": (("bench.encoders.spec",), ("foundation",)),
    "data": (("bench.data",), ("foundation", "specs")),
    "encoders": (("bench.encoders",), ("foundation", "specs", "data")),
    "contracts": (
        ("bench.tasks", "bench.methods", "bench.projections", "bench.translation", "bench.matching",
         "bench.protocols"),
        ("foundation", "specs", "data"),
    ),
    "suite": (
        ("bench.plugins", "bench.cells", "bench.manifest", "bench.records", "bench.fingerprints"),
        ("foundation", "specs", "contracts"),
    ),
    "run": (
        ("bench.embed", "bench.communicate", "bench.executors", "bench.runner", "bench.scaffold", "bench.plan",
         "bench.listing", "bench.competence"),
        ("foundation", "specs", "data", "encoders", "contracts", "suite"),
    ),
    "report": (("bench.report",), ("foundation", "contracts", "suite")),
    "cli": (("bench.__main__",), ("foundation", "suite", "run", "report")),
}  # fmt: skip
#: packages whose `__init__` belongs to another layer than their modules (the root `bench` is the public face,
#: beside the command line: `bench.load_results` reads the report's table, imported when first used)
PACKAGES = {"bench": "cli", "bench.encoders": "specs", "bench.data": "data", "bench.report": "report"}


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    """The layer of a package's `__init__` (PACKAGES), else the layer whose longest prefix matches `module`."""
    if module in PACKAGES:
        return PACKAGES[module]
    best = max(
        ((prefix, layer) for layer, (prefixes, _) in LAYERS.items() for prefix in prefixes
         if module == prefix or module.startswith(prefix + ".")),
        key=lambda pl: len(pl[0]),
        default=None,
    )  # fmt: skip
    assert best is not None, f"{module} belongs to no layer: add it to LAYERS and docs/architecture.md"
    return best[1]


def imported(tree: ast.AST, module: str) -> set[str]:
    """Every bench module the file imports, anywhere in it."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("bench")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bench") and not node.level:
            # `from bench.data import speech` imports the module bench.data.speech
            found |= {f"{node.module}.{a.name}" if (SOURCE.parent / node.module.replace(".", "/") / f"{a.name}.py")
                      .is_file() else node.module for a in node.names}  # fmt: skip
    return found - {module, "bench"}


def test_every_module_imports_only_its_own_layer_or_those_it_may() -> None:
    wrong = []
    for path in sorted(SOURCE.rglob("*.py")):
        module = module_name(path)
        own = layer_of(module)
        allowed = {own, *LAYERS[own][1]}
        for target in sorted(imported(ast.parse(path.read_text()), module)):
            if layer_of(target) not in allowed:
                wrong.append(f"{module} ({own}) imports {target} ({layer_of(target)})")
    assert not wrong, "\n".join(wrong)
