"""What `python -m bench ls` shows, answered from an index of the plug-ins kept in the cache.

Listing the registered tasks, encoders and methods means importing every plug-in file (and torch with them),
which takes seconds; the index makes it instant. It is keyed by the plug-in files and the package's own files
(path, size, modification time), the installed entry points and the Python release, and rebuilt — once, by
importing everything — whenever one of them changes. Whether an optional extra is installed is looked up at
listing time (never cached), so installing one shows at once.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import bench
from bench.atomic import write_text
from bench.cache import cache_root, digest
from bench.registry import entry_points, plugin_files

GROUPS = ("bench.tasks", "bench.methods")


def index_key() -> str:
    """Changes whenever what the plug-ins describe could: their files, the package's files, the entry points."""
    files = [*plugin_files("tasks"), *plugin_files("baselines"), *sorted(Path(bench.__file__).parent.rglob("*.py"))]
    stats = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    eps = [(group, ep.name, ep.value) for group in GROUPS for ep in entry_points(group)]
    return digest(sys.version, stats, eps)


def plugin_index(root: Path | None = None) -> dict[str, Any]:
    """The index (`tasks`, `encoders`, `methods` rows and the plug-ins' import `errors`), from the cache when
    it is current, else built now and stored."""
    key = index_key()
    path = (root or cache_root()) / "index" / f"plugins-{key[:16]}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        pass
    index = build_index()
    with contextlib.suppress(OSError):  # a read-only cache: list anyway
        write_text(path, json.dumps(index))  # rows keep their column order
    return index


def build_index() -> dict[str, Any]:
    """Import every plug-in and describe it."""
    from bench.encoders.build import builder
    from bench.plugins import plugins

    p = plugins()
    tasks, encoders = [], []
    for name in p.tasks:
        cls = p.tasks.get(name)
        task = cls()
        specs = task.roster()
        extras = {builder(s).extra for s in specs} | set(cls.requires)
        row = {k: v for k, v in cls.describe().items() if k != "provenance"}
        tasks.append(row | {"default suite": cls.in_default_suite, "requires": sorted(cls.requires),
                            "extras": sorted(e for e in extras if e)})  # fmt: skip
        encoders += [
            {"task": name, "encoder": s.name, "kind": s.kind, "architecture": s.architecture, "seed": s.seed,
             "dim": s.dim, "extra": builder(s).extra}
            for s in specs
        ]  # fmt: skip
    methods = [p.methods.get(n).describe() for n in p.methods]
    return {"tasks": tasks, "encoders": encoders, "methods": methods, "errors": list(p.errors)}


def rows(what: str, index: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows `ls <what>` prints, with what is missing here: a task whose data needs an extra that is not
    installed is `unavailable`, one some of whose encoders need one is `partly`; each names the extras."""
    from bench.encoders.extras import missing_extra

    if what == "methods":
        return index["methods"]
    if what == "encoders":
        return [
            {k: v for k, v in r.items() if k != "extra"} | {"needs": install(missing_extra(r["extra"]))}
            for r in index["encoders"]
        ]
    out = []
    for r in index["tasks"]:
        missing = sorted({e for e in r["extras"] if missing_extra(e)})
        data = [e for e in r["requires"] if e in missing]
        status = "unavailable" if data else "partly" if missing else "yes"
        shown = {k: v for k, v in r.items() if k not in ("requires", "extras")}
        out.append(shown | {"available": status, "needs": install(*missing)})
    return out


def install(*extras: str | None) -> str:
    """How to install optional extras ('' when none is missing)."""
    named = [e for e in extras if e]
    return f"pip install 'latent-bench[{','.join(named)}]'" if named else ""
