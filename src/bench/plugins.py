"""The plug-in registries (tasks, methods) and their discovery.

`tasks/**.py` and `baselines/**.py` are imported by path; every concrete `Task` / `Method` subclass they
define is registered under its `name`. Installed packages add entries through the entry-point groups
`bench.tasks` and `bench.methods` (loaded only when used). Discovery runs once per process.
"""

from __future__ import annotations

from functools import cache

from bench.errors import BenchError
from bench.methods import Method
from bench.registry import Registry, classes_in, entry_points, import_file, plugin_files
from bench.tasks import Task


class Plugins:
    def __init__(self) -> None:
        self.tasks: Registry[type[Task]] = Registry("task")
        self.methods: Registry[type[Method]] = Registry("method")
        self.errors: list[str] = []
        self._discover("tasks", Task, self.tasks)
        self._discover("baselines", Method, self.methods)
        self._entry_points("bench.tasks", Task, self.tasks)
        self._entry_points("bench.methods", Method, self.methods)

    def _discover(self, folder: str, base: type, registry: Registry) -> None:
        for path in plugin_files(folder):
            try:
                module = import_file(path, folder)
            except Exception as e:  # a broken plug-in is reported, never fatal
                self.errors.append(f"{folder}/{path.name}: failed to import ({type(e).__name__}: {e})")
                continue
            for cls in classes_in(module, base):
                try:
                    registry.add(cls.name, cls, str(path))
                except BenchError as e:
                    self.errors.append(str(e))

    def _entry_points(self, group: str, base: type, registry: Registry) -> None:
        for ep in entry_points(group):
            origin = f"entry point {ep.name} = {ep.value} ({group})"
            try:
                registry.add(
                    ep.name,
                    lambda ep=ep, origin=origin: checked_plugin(ep.load(), ep.name, base, origin),
                    origin,
                    lazy=True,
                )
            except BenchError as e:
                self.errors.append(str(e))


def checked_plugin(obj: object, name: str, base: type, origin: str) -> type:
    """An entry point must give a subclass of `base` whose `name` is the entry point's name."""
    if not (isinstance(obj, type) and issubclass(obj, base)):
        raise BenchError(f"{origin} does not give a {base.__name__} subclass")
    if getattr(obj, "name", None) != name:
        raise BenchError(f"{origin} gives {obj.__name__} named {getattr(obj, 'name', None)!r}, not {name!r}")
    return obj


@cache
def plugins() -> Plugins:
    return Plugins()


def get_task(name: str) -> Task:
    return plugins().tasks.get(name)()


def get_method_class(name: str) -> type[Method]:
    return plugins().methods.get(name)
