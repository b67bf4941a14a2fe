"""One generic, lazy registry: tasks, methods, encoder architectures and builders.

Entries are registered as loaders (`module:attr` strings, or a class), so that listing never builds a
model, trains or encodes. Plug-ins come from files under the project's `tasks/` and `baselines/` folders
(discovered by path, as benchopt does with solvers and datasets) and from the entry-point groups
`bench.tasks` / `bench.methods` of installed packages. A plug-in that fails to import is reported by name
and skipped.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from bench.errors import BenchError, UnknownName

T = TypeVar("T")


@dataclass
class Entry(Generic[T]):
    """A registered name: where it comes from and how to obtain the object."""

    name: str
    origin: str
    loader: Callable[[], T]
    _value: Any = field(default=None, repr=False)

    def load(self) -> T:
        if self._value is None:
            self._value = self.loader()
        return self._value


class Registry(Generic[T]):
    """Names → lazily loaded objects; duplicate names are rejected, unknown ones get a suggestion."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, Entry[T]] = {}

    @classmethod
    def of(cls, kind: str, entries: dict[str, T], origin: str) -> Registry[T]:
        """A registry holding `entries` (name → object), all defined in `origin`."""
        registry = cls(kind)
        for name, obj in entries.items():
            registry.add(name, obj, origin)
        return registry

    def add(self, name: str, obj: T | Callable[[], T], origin: str, lazy: bool = False) -> None:
        if name in self._entries:
            raise BenchError(
                f"duplicate {self.kind} name {name!r}: defined in {self._entries[name].origin} and {origin}"
            )
        loader = obj if lazy else (lambda obj=obj: obj)
        self._entries[name] = Entry(name, origin, loader)

    def get(self, name: str) -> T:
        return self.entry(name).load()

    def entry(self, name: str) -> Entry[T]:
        try:
            return self._entries[name]
        except KeyError:
            raise UnknownName(self.kind, name, self._entries) from None

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries)


def project_home() -> Path:
    """The folder holding `tasks/`, `baselines/`, `benchmarks/` and `results/`.

    `BENCH_HOME` if set; else the source checkout this package lives in; else the working directory.
    """
    if env := os.environ.get("BENCH_HOME"):
        return Path(env).resolve()
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "baselines").is_dir():
        return checkout
    return Path.cwd()


def plugin_dirs(folder: str) -> list[Path]:
    """Folders scanned for plug-in files: the project's own, plus `BENCH_<FOLDER>_PATH` (os.pathsep list)."""
    extra = os.environ.get(f"BENCH_{folder.upper()}_PATH", "")
    dirs = [project_home() / folder, *(Path(p) for p in extra.split(os.pathsep) if p)]
    return [d for d in dirs if d.is_dir()]


def import_file(path: Path, package: str) -> Any:
    """Import a plug-in file under a private, stable module name."""
    rel = path.with_suffix("").name
    modname = f"bench_plugins.{package}.{path.parent.name}.{rel}".replace("-", "_")
    if modname in sys.modules:
        return sys.modules[modname]
    spec = importlib.util.spec_from_file_location(modname, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[modname]
        raise
    return module


def plugin_files(folder: str) -> list[Path]:
    files = []
    for root in plugin_dirs(folder):
        files += sorted(p for p in root.rglob("*.py") if not p.name.startswith(("_", "test_")))
    return files


def classes_in(module: Any, base: type) -> list[type]:
    """Concrete subclasses of `base` defined in `module` itself (not imported into it)."""
    return [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, base)
        and obj.__module__ == module.__name__
        and not inspect.isabstract(obj)
        and getattr(obj, "name", None)
    ]


def entry_points(group: str) -> list[importlib.metadata.EntryPoint]:
    return sorted(importlib.metadata.entry_points(group=group), key=lambda ep: ep.name)
