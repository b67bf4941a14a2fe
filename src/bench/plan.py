"""What a run would do, without doing it (`python -m bench run … --dry-run`): the cells to score per task and
method, the encoders to train, fit or encode, and a time estimated from what earlier runs recorded.

Estimates: a cell takes the mean recorded time (load + fit + score) of the earlier cells of its task and method,
else of its method, else of every earlier cell, divided over the scoring processes; an encoder to train takes its
last report's training time (`results/encoders/<task>.json`). What has no earlier figure is counted, not guessed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tabulate import tabulate

from bench.cache import SpaceCache
from bench.cells import Cell
from bench.fingerprints import resolve as resolve_spec
from bench.plugins import get_task
from bench.records import read_records


@dataclass
class Plan:
    cells: int
    todo: list[Cell]
    #: (task, encoder) → "train", "encode" (built without training: fitted or frozen, or a checkpoint exists)
    encoders: dict[tuple[str, str], str] = field(default_factory=dict)
    scoring_s: float | None = None
    unestimated_cells: int = 0
    training_s: float = 0.0
    unestimated_training: int = 0


def make_plan(cells: list[Cell], todo: list[Cell], results: Path, cache: SpaceCache, jobs: int) -> Plan:
    plan = Plan(len(cells), todo)
    for task_name, encoder in sorted({(c.task, e) for c in todo for e in (c.source, c.target)}):
        task = get_task(task_name)
        spec = task.encoder(encoder)
        owner, fp = resolve_spec(task, spec)
        if all(cache.has(owner.name, spec.name, split, fp) for split in owner.splits):
            continue
        trained = spec.kind == "trained" and not cache.checkpoint_path(owner.name, spec.name, fp).is_file()
        plan.encoders[(owner.name, encoder)] = "train" if trained else "encode"  # shared spaces counted once
    estimate_scoring(plan, read_records(results), jobs)
    for task_name, encoder in (k for k, what in plan.encoders.items() if what == "train"):
        report = read_reports(results, task_name).get(encoder, {})
        if isinstance(report.get("train_s"), int | float):
            plan.training_s += report["train_s"]
        else:
            plan.unestimated_training += 1
    return plan


def estimate_scoring(plan: Plan, records: list[dict], jobs: int) -> None:
    """Sum the cells' expected times from the earlier records' timings, over `jobs` processes."""
    spent: dict[tuple[str, str], list[float]] = {}
    for r in records:
        t = r.get("timings") or {}
        if r.get("status") == "ok" and t:
            spent.setdefault((r["task"], r["method"]), []).append(sum(t.values()))
    if not spent:
        plan.unestimated_cells = len(plan.todo)
        return
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    by_method: dict[str, list[float]] = {}
    for (_, method), times in spent.items():
        by_method.setdefault(method, []).extend(times)
    overall = mean([t for times in spent.values() for t in times])
    total = 0.0
    for cell in plan.todo:
        times = spent.get((cell.task, cell.method)) or by_method.get(cell.method)
        total += mean(times) if times else overall
    plan.scoring_s = total / max(jobs, 1)


def read_reports(results: Path, task: str) -> dict[str, dict]:
    try:
        return json.loads((Path(results) / "encoders" / f"{task}.json").read_text())
    except (OSError, ValueError):
        return {}


def describe(plan: Plan, where: str, jobs: int) -> str:
    """The plan as text: a cells table (methods × tasks), the encoders to build, the estimate."""
    lines = [f"dry run of {where}: {plan.cells} cells, {plan.cells - len(plan.todo)} already recorded, "
             f"{len(plan.todo)} to run"]  # fmt: skip
    if plan.todo:
        counts = Counter((c.method, c.task) for c in plan.todo)
        tasks = sorted({t for _, t in counts})
        table = [[m, *(counts.get((m, t), 0) for t in tasks)] for m in sorted({m for m, _ in counts})]
        lines += ["", tabulate(table, ["method", *tasks], tablefmt="simple"), ""]
    for what in ("train", "encode"):
        per_task = Counter(t for (t, _), w in plan.encoders.items() if w == what)
        verb = "to train" if what == "train" else "to encode (fitted, frozen, or trained before)"
        listed = ", ".join(f"{t} {n}" for t, n in sorted(per_task.items()))
        lines.append(f"encoders {verb}: {sum(per_task.values())}" + (f" ({listed})" if listed else ""))
    lines.append(estimate_line(plan, jobs))
    return "\n".join(lines)


def estimate_line(plan: Plan, jobs: int) -> str:
    parts = []
    trained = sum(w == "train" for w in plan.encoders.values())
    if trained:
        known = trained - plan.unestimated_training
        text = f"training ≈ {duration(plan.training_s)} ({known} of {trained} encoders from earlier reports)"
        parts.append(text)
    if plan.scoring_s is not None and plan.todo:
        parts.append(f"scoring ≈ {duration(plan.scoring_s)} ({len(plan.todo)} cells, {jobs} processes)")
    elif plan.todo:
        parts.append(f"scoring: no earlier records to estimate {plan.unestimated_cells} cells from")
    encodes = sum(w == "encode" for w in plan.encoders.values())
    if encodes:
        parts.append(f"encoding {encodes} encoders not estimated")
    return "estimated time: " + ("; ".join(parts) if parts else "nothing to do")


def duration(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
