"""Suite manifests: TOML files that say which tasks, pairs, methods, anchor counts and seeds make a run.

name = "ci"
tasks = ["digits"]          # or ["*"] for every registered task
methods = ["*"]
anchors = [10, 300]
seeds = [0]

[[grid]]                    # optional: more (anchor count, seed) combinations, e.g. a wider sweep
anchors = [5, 25, 1000]     # on fewer seeds
seeds = [0]

unpaired = ["shared", "disjoint"]   # optional: the unpaired settings of the methods that use unpaired samples

[task.digits]               # optional, per task
encoders = ["mlp-s0", "cnn-s0"]   # default: the task's whole roster
pairs = "all"               # the task's pairs (all ordered pairs + self pairs) | "cross" (no self pairs) | "self"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.cells import UNPAIRED_SETTINGS
from bench.errors import BenchError

TOP_KEYS = {"name", "description", "tasks", "methods", "anchors", "seeds", "grid", "task", "unpaired"}
GRID_KEYS = {"anchors", "seeds"}
TASK_KEYS = {"encoders", "pairs"}
PAIRS = ("all", "cross", "self")


@dataclass(frozen=True)
class TaskOptions:
    encoders: tuple[str, ...] | None = None
    pairs: str = "all"


@dataclass(frozen=True)
class Manifest:
    name: str
    tasks: tuple[str, ...]
    methods: tuple[str, ...]
    anchors: tuple[int, ...]
    seeds: tuple[int, ...]
    options: dict[str, TaskOptions] = field(default_factory=dict)
    grids: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = ()
    description: str = ""
    unpaired: tuple[str, ...] = UNPAIRED_SETTINGS
    path: Path | None = None

    def task_options(self, task: str) -> TaskOptions:
        return self.options.get(task, TaskOptions())

    def budgets(self) -> list[tuple[int, int]]:
        """Every (anchor count, seed) of the run: the main `anchors` × `seeds` and each extra grid's."""
        combos = {
            (k, s) for anchors, seeds in ((self.anchors, self.seeds), *self.grids) for k in anchors for s in seeds
        }
        return sorted(combos)


def load_manifest(path: Path) -> Manifest:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise BenchError(f"manifest {path} does not exist") from None
    except tomllib.TOMLDecodeError as e:
        raise BenchError(f"manifest {path} is not valid TOML: {e}") from None
    return parse_manifest(data, str(path), path)


def parse_manifest(data: dict[str, Any], where: str, path: Path | None = None) -> Manifest:
    def fail(msg: str) -> BenchError:
        return BenchError(f"manifest {where}: {msg}")

    if unknown := set(data) - TOP_KEYS:
        raise fail(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(TOP_KEYS)}")
    for key in ("tasks", "methods", "anchors", "seeds"):
        if key not in data:
            raise fail(f"missing key {key!r}")

    def names(key: str) -> tuple[str, ...]:
        v = data[key]
        if not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v):
            raise fail(f"{key!r} must be a non-empty list of names")
        return tuple(v)

    def ints(key: str, minimum: int, table: dict[str, Any] = data, where: str = "") -> tuple[int, ...]:
        v = table[key]
        if not isinstance(v, list) or not v or not all(isinstance(x, int) and x >= minimum for x in v):
            raise fail(f"{where + ' ' if where else ''}{key!r} must be a non-empty list of integers ≥ {minimum}")
        return tuple(sorted(set(v)))

    options = {}
    for task, opts in data.get("task", {}).items():
        if not isinstance(opts, dict) or (unknown := set(opts) - TASK_KEYS):
            raise fail(f"[task.{task}] allows only {sorted(TASK_KEYS)}")
        pairs = opts.get("pairs", "all")
        if pairs not in PAIRS:
            raise fail(f"[task.{task}] pairs must be one of {PAIRS}, got {pairs!r}")
        encoders = opts.get("encoders")
        if encoders is not None and not (isinstance(encoders, list) and all(isinstance(e, str) for e in encoders)):
            raise fail(f"[task.{task}] encoders must be a list of names")
        options[task] = TaskOptions(tuple(encoders) if encoders else None, pairs)
    grids = []
    for i, grid in enumerate(data.get("grid", [])):
        if not isinstance(grid, dict) or set(grid) != GRID_KEYS:
            raise fail(f"[[grid]] #{i + 1} must have exactly the keys {sorted(GRID_KEYS)}")
        grids.append(tuple(ints(key, 0, grid, f"[[grid]] #{i + 1}") for key in ("anchors", "seeds")))
    unpaired = data.get("unpaired", list(UNPAIRED_SETTINGS))
    if not (isinstance(unpaired, list) and unpaired and set(unpaired) <= set(UNPAIRED_SETTINGS)):
        raise fail(f"'unpaired' must be a non-empty list of {list(UNPAIRED_SETTINGS)}")
    return Manifest(
        name=str(data.get("name", Path(where).stem)),
        unpaired=tuple(dict.fromkeys(unpaired)),
        description=str(data.get("description", "")),
        tasks=names("tasks"),
        methods=names("methods"),
        anchors=ints("anchors", 0),
        seeds=ints("seeds", 0),
        options=options,
        grids=tuple(grids),
        path=path,
    )
