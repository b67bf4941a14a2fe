"""A run: resolve the manifest into cells, embed what they need, communicate, record.

Cells whose record exists (same id) are skipped unless `force`. Every cell ends as a record with a status
(ok / failed / skipped / not_applicable); an encoder that cannot be built fails (or skips) only the cells
that need it.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from bench.atomic import write_json
from bench.cache import SpaceCache
from bench.cells import Cell, cell_fields
from bench.communicate import Communicator, base_record, finish, one_line
from bench.encoders.architectures import ARCHITECTURES
from bench.errors import BenchError, Skipped, UnknownName
from bench.executors import embed_in_processes, score_in_processes, score_on_dask, score_serially
from bench.fingerprints import resolve as resolve_spec
from bench.manifest import Manifest
from bench.plugins import get_method_class, get_task, plugins
from bench.records import read_record, record_path, write_record


@dataclass(frozen=True)
class Filters:
    """Optional restrictions from the command line (None = no restriction)."""

    tasks: frozenset[str] | None = None
    methods: frozenset[str] | None = None
    encoders: frozenset[str] | None = None
    anchors: frozenset[int] | None = None
    seeds: frozenset[int] | None = None


def _select(kind: str, wanted: Iterable[str], known: list[str], star: list[str] | None = None) -> list[str]:
    """`wanted`, checked against `known`; "*" stands for `star` (default: every known name)."""
    wanted = list(wanted)
    if "*" in wanted:
        return known if star is None else star
    for name in wanted:
        if name not in known:
            raise UnknownName(kind, name, known)
    return wanted


def _filtered(kind: str, wanted: frozenset[str], selected: list[str], registered: list[str], where: str) -> list[str]:
    """`selected` restricted to `wanted` (`--task`, `--method`); a name that is registered but not in the manifest,
    or not registered at all (with the closest names), is an error."""
    for name in sorted(wanted):
        if name in registered and name not in selected:
            raise BenchError(f"--{kind} {name} is not in {where}: it runs {', '.join(selected)}")
        if name not in registered:
            raise UnknownName(kind, name, registered)
    return [n for n in selected if n in wanted]


def _matched(option: str, wanted: frozenset[int], present: Iterable[int], where: str) -> None:
    """Every value of a numeric filter must be one the manifest runs."""
    present = sorted(set(present))
    if missing := sorted(wanted - set(present)):
        runs = ", ".join(map(str, present)) or "none"
        raise BenchError(f"{option} {','.join(map(str, missing))} matches nothing in {where}: it runs {runs}")


def resolve(manifest: Manifest, filters: Filters = Filters()) -> list[Cell]:
    """The manifest's cells, restricted by `filters`; unknown names raise with a suggestion, and a filter that
    matches nothing in the manifest is an error naming what it holds."""
    p = plugins()
    where = f"manifest {manifest.name!r}"
    suite = [n for n in p.tasks.names() if p.tasks.get(n).in_default_suite]
    tasks = _select("task", manifest.tasks, p.tasks.names(), star=suite)
    methods = _select("method", manifest.methods, p.methods.names())
    if filters.tasks:
        tasks = _filtered("task", filters.tasks, tasks, p.tasks.names(), where)
    if filters.methods:
        methods = _filtered("method", filters.methods, methods, p.methods.names(), where)
    if filters.anchors:
        _matched("--anchors", filters.anchors, (k for k, _ in manifest.budgets()), where)
    if filters.seeds:
        _matched("--seeds", filters.seeds, (s for _, s in manifest.budgets()), where)
    budgets = [
        (k, s)
        for k, s in manifest.budgets()
        if (not filters.anchors or k in filters.anchors) and (not filters.seeds or s in filters.seeds)
    ]
    cells, seen_encoders = [], set()
    for task_name in tasks:
        task = get_task(task_name)
        opts = manifest.task_options(task_name)
        roster = [s.name for s in task.roster()]
        encoders = _select(f"encoder of task {task_name!r}", opts.encoders or roster, roster)
        seen_encoders |= set(encoders)
        if filters.encoders:
            encoders = [e for e in encoders if e in filters.encoders]
        chosen = set(encoders)
        pairs = [(s, t) for s, t in task.default_pairs() if s in chosen and t in chosen]
        if opts.pairs == "cross":
            pairs = [(s, t) for s, t in pairs if s != t]
        elif opts.pairs == "self":
            pairs = [(s, t) for s, t in pairs if s == t]
        for method in methods:
            mcls = get_method_class(method)
            # anchor count 0 is the budget of the methods that use no parallel anchors, and only theirs
            runs = [(k, s) for k, s in budgets if (k > 0) == mcls.properties.needs_anchors]
            settings = manifest.unpaired if mcls.properties.unpaired else ("",)
            cells += [
                Cell(task_name, src, tgt, method, k, s, task.version, mcls.version, setting)
                for src, tgt in pairs
                for k, s in runs
                for setting in settings
            ]
    for name in sorted(filters.encoders or ()):
        if name not in seen_encoders:
            close = UnknownName("encoder", name, seen_encoders).suggestions
            hint = (
                f"; did you mean {', '.join(map(repr, close))}?"
                if close
                else f"; they are {', '.join(sorted(seen_encoders))}"
            )
            of = f"the tasks {', '.join(tasks)} of {where}" if filters.tasks else f"the tasks of {where}"
            raise BenchError(f"--encoder {name} matches no encoder of {of}{hint}")
    if not cells and filters != Filters():
        raise BenchError(f"the filters together select no cell of {where} (each matches something on its own)")
    return cells


@dataclass
class Selection:
    """The cells a run scores, and how many of them had an unreadable record or one of changed encoders."""

    todo: list[Cell] = field(default_factory=list)
    unreadable: int = 0
    changed: int = 0

    def redone(self) -> list[str]:
        """What is redone besides the cells never recorded, in words."""
        return [
            f"{n} {what}"
            for n, what in ((self.unreadable, "unreadable record files"), (self.changed, "records of changed encoders"))
            if n
        ]


@dataclass
class Summary:
    cells: int = 0
    skipped_existing: int = 0
    statuses: Counter = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    selection: Selection = field(default_factory=Selection)

    def line(self) -> str:
        done = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items())) or "nothing to do"
        secs = ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items())
        redone = f" ({' and '.join(redo)} redone)" if (redo := self.selection.redone()) else ""
        return f"{self.cells} cells: {self.skipped_existing} already recorded{redone}; ran: {done} ({secs})"


class Runner:
    def __init__(
        self,
        results: Path,
        cache: SpaceCache,
        device: str = "cpu",
        progress: bool = True,
        timeout_s: float | None = None,
        dtype: str = "float32",
    ):
        self.results, self.cache, self.device, self.progress = Path(results), cache, device, progress
        self.communicator = Communicator(cache, device, timeout_s, dtype)

    def run(
        self,
        cells: list[Cell],
        force: bool = False,
        jobs: int = 1,
        executor: str = "local",
        address: str | None = None,
        retry_failed: bool = False,
        dask_security: Path | None = None,
    ) -> Summary:
        """Score the cells that have no record yet (and those whose record failed, with `retry_failed`; all of
        them with `force`): `local`, in this process or in `jobs` processes; `dask`, on the Dask cluster at
        `address` (a local one when None)."""
        summary = Summary(cells=len(cells))
        remove_partial_records(self.results)
        summary.selection = self.select(cells, force, retry_failed)
        todo = summary.selection.todo
        summary.skipped_existing = len(cells) - len(todo)
        start = time.perf_counter()
        broken = self.embed(todo, jobs if executor == "local" else 1)
        summary.seconds["embed"] = time.perf_counter() - start

        start = time.perf_counter()
        runnable = []
        records: list[dict[str, Any]] = []
        for cell in todo:
            problem = broken.get((cell.task, cell.source)) or broken.get((cell.task, cell.target))
            if problem:
                records.append(self.encoder_problem(cell, problem))
            else:
                runnable.append(cell)
        if executor == "dask":
            scored = score_on_dask(runnable, address, self.communicator, dask_security) if runnable else iter(())
        elif jobs > 1 and len(runnable) > 1:
            scored = score_in_processes(runnable, jobs, self.communicator)
        else:
            scored = score_serially(self.communicator, runnable)
        bar = tqdm(total=len(todo), desc="cells", unit="cell", disable=not self.progress, leave=False)
        for record in itertools.chain(records, scored):
            write_record(self.results, record)
            bar.update()
            summary.statuses[record["status"]] += 1
            if record["status"] == "failed":
                summary.failures.append(f"{Cell(**cell_fields(record)).label()}: {record['error']}")
        bar.close()
        summary.seconds["communicate"] = time.perf_counter() - start
        return summary

    def select(self, cells: list[Cell], force: bool = False, retry_failed: bool = False) -> Selection:
        """The cells to score: those without a readable record (a file that does not parse or is not its cell's
        record counts as none), those whose record was scored on encoders that have changed since
        (`bench.fingerprints.Fingerprints`), those whose record failed with `retry_failed`, all with `force`."""
        selection = Selection()
        for cell in cells:
            path = record_path(self.results, cell)
            record = read_record(path) if path.is_file() else None
            selection.unreadable += path.is_file() and record is None
            changed = record is not None and self.communicator.fingerprints.changed(record)
            selection.changed += changed
            if force or record is None or changed or (retry_failed and record["status"] == "failed"):
                selection.todo.append(cell)
        return selection

    def embed(self, cells: list[Cell], jobs: int = 1) -> dict[tuple[str, str], BaseException]:
        """Build every space the cells need, once each (in `jobs` processes when more than one needs building);
        returns the encoders that could not be built."""
        needed = sorted({(c.task, e) for c in cells for e in (c.source, c.target)})
        embedder = self.communicator.embedder
        owners = {(t, e): resolve_spec(get_task(t), get_task(t).encoder(e)) for t, e in needed}
        missing = [
            (t, e) for (t, e), (owner, fp) in owners.items()
            if not all(self.cache.has(owner.name, e, split, fp) for split in owner.splits)
        ]  # fmt: skip
        broken: dict[tuple[str, str], BaseException] = {}
        if jobs > 1 and len(missing) > 1:
            owned = {item: (owners[item][0].name, item[1]) for item in missing}  # shared spaces built once
            unique = sorted(set(owned.values()))
            problems = embed_in_processes(unique, floors_to_compute(unique), jobs, self.cache, self.device)
            broken = {item: problems[o] for item, o in owned.items() if o in problems}
        reports: dict[str, dict[str, Any]] = {}
        for task_name, encoder in tqdm(needed, desc="embed", unit="encoder", disable=not self.progress, leave=False):
            if (task_name, encoder) in broken:
                continue
            task = get_task(task_name)
            spec = task.encoder(encoder)
            try:
                embedder.spaces(task, spec)
            except Exception as e:
                broken[(task_name, encoder)] = e
                continue
            if report := embedder.report(task, spec):
                reports.setdefault(task_name, {})[encoder] = report
        for task_name, new in reports.items():
            path = self.results / "encoders" / f"{task_name}.json"
            old = read_json(path)
            if old != (merged := {**old, **new}):
                write_json(path, merged)
        return broken

    def encoder_problem(self, cell: Cell, error: BaseException) -> dict[str, Any]:
        communicator = self.communicator
        record = base_record(cell, get_task(cell.task), communicator.fingerprints, self.device, communicator.dtype)
        status = "skipped" if isinstance(error, Skipped) else "failed"
        return finish(record | {"status": status, "error": f"encoder could not be built: {one_line(error)}"})


def floors_to_compute(encoders: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """The competence floors (task, objective, latent dim) the trained-here encoders among `encoders` need."""
    floors = set()
    for task_name, encoder in encoders:
        spec = get_task(task_name).encoder(encoder)
        if spec.kind == "trained":
            objective = ARCHITECTURES.get(spec.architecture).objective
            floors.add((task_name, objective, spec.dim if objective == "autoencoder" else 0))
    return sorted(floors)


def remove_partial_records(results: Path) -> None:
    """Temporary files of records a killed run was writing (the record itself was never replaced)."""
    for tmp in (Path(results) / "records").glob("*/.*.tmp"):
        tmp.unlink(missing_ok=True)


def read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}
