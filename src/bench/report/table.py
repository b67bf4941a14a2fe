"""Records → one tidy table (a row per cell, a column per metric), saved as CSV so anyone can load it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from bench.atomic import write_json, write_with
from bench.cells import Cell, cell_fields
from bench.fingerprints import Fingerprints
from bench.plugins import plugins
from bench.records import scan_records

ID_COLUMNS = [
    "id", "task", "task_version", "modality", "source", "target", "pair_kind", "source_architecture",
    "target_architecture", "source_dim", "target_dim", "method", "method_version", "family", "anchors",
    "seed", "unpaired", "status", "error",
]  # fmt: skip
TIMING_COLUMNS = ["load_s", "fit_s", "score_s"]
#: What produced a record (not part of its result): kept out of the committed CSV, summarised in `run.json`.
RUN_COLUMNS = ["git_revision", "device", "machine", "timestamp", "versions"]
#: the committed table's precision (significant digits); the report rounds records to it, so that it reads the
#: same numbers from records and from the table
FLOAT_FORMAT = "%.6g"
RUN_FILE = "run.json"


def tidy(records: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per record: identity columns, then every metric, then timings; sorted deterministically."""
    rows = []
    for r in records:
        row = {c: r.get(c) for c in ID_COLUMNS} | {"unpaired": r.get("unpaired") or ""}
        row |= r.get("metrics") or {}
        row |= {t: (r.get("timings") or {}).get(t) for t in TIMING_COLUMNS}
        row |= {c: r.get(c) for c in RUN_COLUMNS}
        row["versions"] = json.dumps(r["versions"], sort_keys=True) if r.get("versions") else None
        rows.append(row)
    df = pd.DataFrame(rows, columns=None if rows else ID_COLUMNS)
    if df.empty:
        return df
    df = df[[*ID_COLUMNS, *sorted(metric_columns(df)), *TIMING_COLUMNS, *RUN_COLUMNS]]
    keys = ["task", "method", "unpaired", "anchors", "source", "target", "seed"]
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def current(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Records of the code as it is, and how many were scored on encoders that have changed since: a record left by
    an earlier version of its method or task, or of the protocols (its id no longer matches its cell), or of
    encoders whose fingerprints have changed (`bench.fingerprints.Fingerprints`), is left out of the table."""
    p, fingerprints = plugins(), Fingerprints()
    keep, changed = [], 0
    for r in records:
        try:
            same_cell = Cell(**cell_fields(r)).id == r["id"]
        except (KeyError, TypeError):
            continue
        method_ok = r["method"] not in p.methods or p.methods.get(r["method"]).version == r["method_version"]
        task_ok = r["task"] not in p.tasks or p.tasks.get(r["task"]).version == r["task_version"]
        if same_cell and method_ok and task_ok:
            if fingerprints.changed(r):
                changed += 1
            else:
                keep.append(r)
    return keep, changed


def by_setting(df: pd.DataFrame) -> pd.DataFrame:
    """The table with each method that uses unpaired samples named by its setting (`lfm (shared)`,
    `lfm (disjoint)`), so that a report ranks and averages every setting on its own and never pools them
    (names already so written are left as they are)."""
    setting = df["unpaired"].fillna("").astype(str) if "unpaired" in df else pd.Series("", index=df.index)
    suffix = " (" + setting + ")"
    named = (setting != "") & ~pd.Series([m.endswith(x) for m, x in zip(df["method"], suffix, strict=True)], df.index)
    if not named.any():
        return df
    df = df.copy()
    df.loc[named, "method"] = df.loc[named, "method"] + suffix[named]
    return df


def metric_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c not in {*ID_COLUMNS, *TIMING_COLUMNS, *RUN_COLUMNS}]


def as_stored(df: pd.DataFrame) -> pd.DataFrame:
    """The metrics at the committed table's precision (written and read back as it writes them)."""
    cols = metric_columns(df)
    if cols and len(df):
        text = df[cols].to_csv(index=False, float_format=FLOAT_FORMAT)
        df[cols] = pd.read_csv(io.StringIO(text)).set_axis(df.index)
    return df


def task_metadata(name: str) -> dict[str, Any] | None:
    """What the report needs of a registered task (None if it is not): its main score, modality, classes,
    description, provenance, licence, its roster's order and which encoders are pretrained."""
    p = plugins()
    if name not in p.tasks:
        return None
    cls = p.tasks.get(name)
    roster = cls().roster()
    return {
        "main": cls.main_score, "modality": cls.modality, "classes": cls.n_classes, "description": cls.description,
        "provenance": cls.provenance, "licence": cls.licence, "roster": [s.name for s in roster],
        "pretrained": [s.name for s in roster if s.kind in ("packaged", "hub")],
    }  # fmt: skip


def run_summary(records: list[dict[str, Any]], known: dict[str, Any] | None = None) -> dict[str, Any]:
    """What produced the records, summarised (the committed table's sidecar `run.json`): code revisions,
    devices, precisions, machines, package versions, when the cells ran, and each task's metadata
    (`task_metadata`; from `known`, an earlier summary, for a task whose plug-in is not installed)."""

    def distinct(key: str) -> list[str]:
        return sorted({str(r[key]) for r in records if r.get(key) is not None})

    versions: dict[str, set[str]] = {}
    for r in records:
        for package, version in (r.get("versions") or {}).items():
            versions.setdefault(package, set()).add(str(version))
    stamps = distinct("timestamp")
    return {
        "git_revisions": distinct("git_revision"),
        "devices": distinct("device"),
        "dtypes": distinct("dtype"),
        "machines": distinct("machine"),
        "versions": {p: sorted(v) for p, v in sorted(versions.items())},
        "ran": [stamps[0], stamps[-1]] if stamps else [],
        "tasks": {
            t: meta
            for t in sorted({str(r["task"]) for r in records})
            if (meta := task_metadata(t) or ((known or {}).get("tasks") or {}).get(t))
        },
    }


def load_results(results: Path | str = "results") -> pd.DataFrame:
    """The results as one tidy table (a row per cell), read-only: from the record files under
    `results/records`, or, where there are none (a fresh clone), from the committed `results/results.csv`
    (metrics at the table's precision either way). `df.attrs["source"]` says which; `df.attrs["run"]` what
    produced them (`run_summary`; from `results/run.json` for the table); `df.attrs["unreadable"]` names record
    files that could not be read; `df.attrs["changed"]` counts the records left out because their encoders have
    changed since (`current`).

        import bench
        df = bench.load_results("results")
        df[(df.status == "ok") & (df.pair_kind != "self")].groupby(["task", "method", "anchors"]).stitched_ratio.mean()
    """
    results = Path(results)
    path = results / "results.csv"
    records, unreadable = scan_records(results)
    sidecar = results / RUN_FILE
    written = json.loads(sidecar.read_text()) if sidecar.is_file() else {}
    if not records and path.is_file():
        df = pd.read_csv(path, low_memory=False)
        # the table writes a method without unpaired samples as an empty field (read back as NaN)
        df["unpaired"] = df["unpaired"].fillna("") if "unpaired" in df else ""
        df.attrs |= {"source": "table", "run": written}
    else:
        kept, changed = current(records)
        df = as_stored(tidy(kept))
        recorded = {r.get("id") for r in records}
        df.attrs |= {"source": "records", "recorded": recorded, "run": run_summary(kept, written), "changed": changed}
    df.attrs["unreadable"] = [str(p.relative_to(results)) for p in unreadable]
    return df


def collect(results: Path) -> pd.DataFrame:
    """`load_results`, and the table of the records written to `results/results.csv` (without the timings and
    run columns, so that the committed table changes only when results do) with its sidecar `results/run.json`
    (what produced them) — but never in place of a table that holds cells whose record files are absent (a fresh
    clone, a partial copy): the rows it would lose are then counted in `df.attrs["kept_table"]` and the table is
    left as it is."""
    results = Path(results)
    path = results / "results.csv"
    df = load_results(results)
    if df.attrs["source"] == "table":
        return df
    recorded = df.attrs.pop("recorded")
    committed = pd.read_csv(path, usecols=["id"]) if path.is_file() and path.stat().st_size else None
    lost = 0 if committed is None else int((~committed["id"].isin(recorded)).sum())
    df.attrs["kept_table"] = lost
    if not lost:
        stable = df.drop(columns=[c for c in [*TIMING_COLUMNS, *RUN_COLUMNS] if c in df])
        write_with(path, lambda tmp: stable.to_csv(tmp, index=False, float_format=FLOAT_FORMAT), ".csv")
        write_json(results / RUN_FILE, df.attrs["run"])
    return df
