"""The leaderboard: an overall ranking of methods, then per task its tables, heatmaps and curves.

Scores aggregate the cells with status `ok` over seeds and over the *cross* pairs (source ≠ target);
self pairs are shown apart as a sanity check. The overall ranking uses each task's main score (for
classification tasks the stitched / native accuracy ratio): its mean per (task, anchor count), the
rank of each method there, and the averages of both over tasks and anchor counts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from bench.atomic import write_text
from bench.errors import BenchError
from bench.protocols import MUTUAL_K, Direction, directions
from bench.report import figures, reproduction
from bench.report.document import Block, Figure, Gallery, Heading, Table, Text, relative, to_html, to_markdown
from bench.report.intervals import HOLDS, METHOD, estimate, interval_text, median_iqr, verdict
from bench.report.table import by_setting, task_metadata

#: the task page's metric tables, (title, metrics), each narrow enough to read without scrolling
METRIC_TABLES = (
    ("Stitched classification", ["stitched_acc", "native_acc", "stitched_ratio", "stitched_gap"]),
    ("Own decoder and reconstruction", ["decoder_acc", "decoder_native_acc", "decoder_ratio", "reconstruction_mse"]),
    ("Head diagnostics", ["stitched_f1", "method_nostitch_acc"]),
    ("Translation fidelity", ["cosine", "mse", "top1", "mrr"]),
    ("Neighbour sets", ["jaccard@10", "retrieval_jaccard@10"]),
    *(
        (f"Cross-modal retrieval ({label})", [f"{direction}_{m}" for m in ("r@1", "r@5", "r@10", "mrr")])
        for direction, label in (("src2tgt", "source → target"), ("tgt2src", "target → source"))
    ),
)
DEFAULT_MAIN = "stitched_ratio"


def task_meta(name: str, df: pd.DataFrame | None = None) -> dict[str, Any]:
    """A task's metadata (`table.task_metadata`): from its plug-in, else from the results' `run.json`
    (`df.attrs["run"]`), else defaults (main score `stitched_ratio`, encoders in name order)."""
    recorded = ((df.attrs.get("run") or {}).get("tasks") or {}).get(name) if df is not None else None
    default = {"main": DEFAULT_MAIN, "modality": "?", "classes": None, "description": "", "provenance": "",
               "licence": "", "roster": [], "pretrained": []}  # fmt: skip
    return default | (task_metadata(name) or recorded or {})


#: The share of native accuracy a method must reach for "anchors needed" (main score stitched_ratio).
REACH = 0.9


def cross_ok(df: pd.DataFrame) -> pd.DataFrame:
    return df[(df["status"] == "ok") & (df["pair_kind"] != "self")]


def anchor_free(df: pd.DataFrame) -> set[str]:
    """Methods whose cells all ran at anchor count 0 (they use no parallel anchors)."""
    return set(df.groupby("method")["anchors"].max().loc[lambda k: k == 0].index)


def at_budget(df: pd.DataFrame, k: int) -> pd.DataFrame:
    """The cells at anchor count k, with those of the anchor-free methods (the same at every budget)."""
    return df[(df["anchors"] == k) | df["method"].isin(anchor_free(df))]


def main_counts(df: pd.DataFrame) -> list[int]:
    """The positive anchor counts run on the most seeds (the main grid; others are a wider sweep)."""
    pos = df[df["anchors"] > 0]
    seeds = pos.groupby("anchors")["seed"].nunique()
    return sorted(seeds[seeds == seeds.max()].index) if len(seeds) else []


def broadcast_anchor_free(s: pd.DataFrame, counts: list[int]) -> pd.DataFrame:
    """Summary rows (method, anchors, …): each anchor-free method's k = 0 row repeated at every count."""
    free = s[s["anchors"] == 0]
    return pd.concat([s[s["anchors"] > 0], *(free.assign(anchors=k) for k in counts)], ignore_index=True)


def summarise(df: pd.DataFrame, keys: list[str], metric: str) -> pd.DataFrame:
    g = df.groupby(keys, sort=True)[metric]
    return g.agg(["mean", "std", "count"]).reset_index()


def method_means(tdf: pd.DataFrame) -> pd.DataFrame:
    """One task's main score per (method, anchors) at its main anchor counts, over the cross pairs that ran
    (the anchor-free methods at every count); empty when nothing ran."""
    main = task_meta(tdf["task"].iloc[0], tdf)["main"]
    ok = cross_ok(tdf)
    if main not in ok or ok.empty:
        return pd.DataFrame(columns=["method", "anchors", "mean", "std", "count"])
    counts = main_counts(tdf)
    s = broadcast_anchor_free(summarise(ok.dropna(subset=[main]), ["method", "anchors"], main), counts)
    return s[s["anchors"].isin(counts)]


def overall(df: pd.DataFrame) -> pd.DataFrame:
    """Methods ranked per task and anchor count by the task's main score, the ranks then averaged over tasks
    (`rank k=…`, `mean_rank`: different metrics are never averaged into one number), beside the one score
    every classification task shares, `stitched_ratio`, with its 95 % interval over all their cells."""
    parts = []
    for task, tdf in df.groupby("task"):
        s = method_means(tdf)
        if s.empty:
            continue
        s["rank"] = s.groupby("anchors")["mean"].rank(ascending=False, method="min")
        s["task"] = task
        parts.append(s)
    if not parts:
        return pd.DataFrame()
    s = pd.concat(parts)
    table = s.pivot_table(index="method", columns="anchors", values="rank", aggfunc="mean")
    counts = list(table.columns)
    table.columns = [f"rank k={k}" for k in counts]
    table["mean_rank"] = s.groupby("method")["rank"].mean()
    mains = {t: task_meta(t, df)["main"] for t in df["task"].unique()}
    classified = df[df["task"].map(mains) == "stitched_ratio"]
    if "stitched_ratio" in classified and not (ok := cross_ok(classified)).empty:
        for k in counts:
            at_k = at_budget(ok, k).groupby("method")["stitched_ratio"]
            table[f"stitched_ratio k={k}"] = at_k.apply(interval_text).reindex(table.index).fillna("n/a")
    if (reach := anchors_needed(df)) is not None:
        reached = np.isfinite(reach).sum(axis=1).astype(str) + " of " + reach.notna().sum(axis=1).astype(str)
        table[f"{REACH:.0%} reached"] = reached.reindex(table.index).fillna("n/a")
    cross = df[df["pair_kind"] != "self"]
    status = cross.groupby("method")["status"]
    table["ok / n/a / failed"] = status.apply(
        lambda x: " / ".join(str(int((x == s).sum())) for s in ("ok", "not_applicable", "failed"))
    )
    fam = df.drop_duplicates("method").set_index("method")["family"]
    table.insert(0, "family", fam)
    return table.sort_values(["mean_rank", *table.columns[1:2]])


def reach_curve(ok: pd.DataFrame, main: str) -> pd.DataFrame:
    """Mean main score per (method, anchor count) over cross pairs and seeds: methods × counts."""
    s = summarise(ok.dropna(subset=[main]), ["method", "anchors"], main)
    return s.pivot(index="method", columns="anchors", values="mean")


def first_reach(curve: pd.DataFrame) -> pd.Series:
    """Per method (row of `curve`), the smallest anchor count whose score is ≥ REACH (inf if none)."""
    return pd.Series(
        [min((k for k in curve.columns if curve.loc[m, k] >= REACH), default=np.inf) for m in curve.index],
        index=curve.index,
    )


def anchors_needed(df: pd.DataFrame) -> pd.DataFrame | None:
    """Per task whose main score is `stitched_ratio`, the fewest anchors at which each method's mean
    reaches REACH (0 for an anchor-free method that does, inf where none of the counts run does)."""
    cols = {}
    for task, tdf in df.groupby("task"):
        ok = cross_ok(tdf)
        if task_meta(task, df)["main"] != "stitched_ratio" or "stitched_ratio" not in ok or ok.empty:
            continue
        cols[task] = first_reach(reach_curve(ok, "stitched_ratio"))
    return pd.DataFrame(cols) if cols else None


#: error metrics with heavy tails: shown as median and interquartile range, not as a mean
HEAVY_TAILED = {"mse", "reconstruction_mse"}


def metric_table(df: pd.DataFrame, metrics: list[str]) -> tuple[list[str], list[list[str]]]:
    """Per (method, anchors): the cell count and each metric's mean with its 95 % bootstrap interval over the
    cells (pairs × seeds) — the median and IQR for heavy-tailed errors."""
    present = [m for m in metrics if m in df and df[m].notna().any()]
    rows = []
    for (method, k), g in df.groupby(["method", "anchors"], sort=True):
        cells = [median_iqr(g[m]) if m in HEAVY_TAILED else interval_text(g[m]) for m in present]
        rows.append([method, k, len(g), *cells])
    return ["method", "anchors", "cells", *present], rows


def roster_table(results: Path, task: str, encoders: list[str]) -> Table | None:
    """Each encoder's own score on the test split beside its competence floor (trained here) and its
    linear-probe accuracy (the stitched classification head on its own spaces: the native accuracy)."""
    path = results / "encoders" / f"{task}.json"
    if not path.is_file():
        return None
    reports = json.loads(path.read_text())
    rows, floors = [], {}
    for name in encoders:
        r = reports.get(name)
        if not r:  # never built (e.g. below its floor): its cells failed, with the reason
            rows.append([name, *["–"] * 4, "not built (see the failed cells)", *["–"] * 4])
        else:
            own = r.get("accuracy", r.get("reconstruction_mse"))
            frozen = r.get("pretrained", "–")
            kind = "accuracy" if "accuracy" in r else "reconstruction MSE" if own is not None else frozen
            floor = r.get("floor_accuracy", r.get("floor_mse"))
            if floor is not None:
                floors[f"{floor:.4f}"] = r["floor"]
            rows.append(
                [
                    name,
                    r["architecture"],
                    "–" if r["seed"] is None else r["seed"],
                    r["dim"],
                    r["parameters"] or "–",
                    kind,
                    f"{own:.4f}" if own is not None else "–",
                    f"{floor:.4f}" if floor is not None else "–",
                    f"{r['probe_accuracy']:.4f}" if "probe_accuracy" in r else "–",
                    r["train_s"],
                ]
            )
    headers = ["encoder", "architecture", "seed", "dim", "parameters", "own score", "value", "floor", "linear probe",
               "train s"]  # fmt: skip
    spreads = seed_spread([reports[n] for n in encoders if n in reports])
    spread_text = f" Seed spread of own accuracy (max − min): {spreads}." if spreads else ""
    floor_text = "; ".join(f"{value}: {what}" for value, what in floors.items())
    floor_text = f" Floors: {floor_text}." if floor_text else ""
    caption = f"Encoders (own score on the test split, and the floor it must beat).{floor_text}{spread_text}"
    return Table(headers, rows, caption=caption)


def seed_spread(reports: list[dict[str, Any]]) -> str:
    """Per architecture (and training: `rel-` encoders apart) trained on several seeds, max − min accuracy."""
    by_arch: dict[str, list[float]] = {}
    for r in reports:
        if "accuracy" in r:
            key = ("relative " if r["encoder"].startswith("rel-") else "") + r["architecture"]
            by_arch.setdefault(key, []).append(r["accuracy"])
    return ", ".join(f"{a} {max(v) - min(v):.3f}" for a, v in sorted(by_arch.items()) if len(v) > 1)


def encoder_order(tdf: pd.DataFrame, roster: list[str]) -> list[str]:
    """The encoders of the cells in the roster's order, any others after them by name."""
    seen = set(tdf["source"]) | set(tdf["target"])
    return [e for e in roster if e in seen] + sorted(seen - set(roster))


def document(df: pd.DataFrame, results: Path, out: Path) -> Report:
    """The leaderboard's blocks, links relative to the folder of `out` (figures are written under
    `results/figures/` on the way)."""
    if df.empty:
        raise BenchError(f"no records under {results / 'records'}; run `python -m bench run` first")
    df = by_setting(df)
    results = Path(results)
    fig_dir = results / "figures"
    table_link = relative(results / "results.csv", out)
    records_link = relative(results, out) + "/records/"
    revisions = listed((df.attrs.get("run") or {}).get("git_revisions", []))
    blocks: list[Block] = [
        Heading(1, "latent-bench leaderboard"),
        Text(
            f"Generated by `python -m bench leaderboard` from the records under `{records_link}`, or, where there "
            f"are none (a fresh clone), from their table [`{table_link}`]({table_link}) and its sidecar `run.json` "
            "— the same page either way. Do not edit by hand."
        ),
        Text(f"Records: {len(df)} cells — {status_counts(df)}. Code revisions: {revisions}."),
        *unreadable_note(df.attrs.get("unreadable", [])),
        *changed_note(df.attrs.get("changed", 0)),
        Text(
            "Scores are means over seeds and over *cross* pairs (source ≠ target) of the cells that ran (`ok`), "
            f"with 95 % intervals in brackets ({METHOD}); heavy-tailed errors (MSE) are medians with their "
            "interquartile range. Rankings rank the methods per task by its main score and average the ranks; "
            "different metrics are never averaged. **Bold**: the best value of its column (within each anchor "
            "count). `n/a` marks a method not applicable there (e.g. `absolute` "
            "between spaces of different dimension). The main score of a classification task is `stitched_ratio` "
            "= stitched accuracy / the target's native accuracy (a head fitted on the target's own raw space, the same "
            "denominator for every method). A method that also uses unpaired samples is listed once per setting "
            "of them: `(shared)`, the same train samples on both sides with the correspondence hidden (the setting "
            "of the functional-maps and bootstrapping papers); `(disjoint)`, no sample on both sides."
        ),
        Heading(2, "Overall ranking"),
    ]
    table = overall(df)
    if not table.empty:
        blocks += [
            ranking_table(table),
            Text(
                "`rank k=…`: the method's rank by each task's main score at that anchor count (1 = best), averaged "
                "over tasks; `mean_rank`: over (task, k); `stitched_ratio k=…`: mean [95 % interval] over every "
                "cell of the classification tasks; "
                f"`{REACH:.0%} reached`: on how many of the classification tasks it ran the method's mean "
                f"`stitched_ratio` reaches {REACH} at some anchor count (the fewest anchors that do are on each "
                "task's page); `ok / n/a / failed`: its cross-pair cells by status."
            ),
        ]
    modalities = sorted(df["modality"].dropna().unique())
    if modalities:
        blocks.append(Heading(2, "Ranking by modality"))
        for modality in modalities:
            table = overall(df[df["modality"] == modality])
            if not table.empty:
                tasks = ", ".join(f"`{t}`" for t in sorted(df.loc[df["modality"] == modality, "task"].unique()))
                heading = Heading(3, f"Modality `{modality}`", {"modality": modality})
                blocks += [heading, Text(f"Tasks: {tasks}."), ranking_table(table)]
    if spreads := spread(df):
        blocks += [
            Heading(2, "Spread between methods"),
            Text(
                "The main score's mean per method over cross pairs, compared across the methods of each task "
                "(std and IQR: standard deviation and interquartile range of those means)."
            ),
            spreads,
        ]
    compact, full = reproduction.section(df, relative(reproduction_page(results), out))
    blocks += compact
    pages = {task: task_section(task, tdf, results, fig_dir / task) for task, tdf in df.groupby("task", sort=True)}
    rows = [
        [f"[`{task}`]({relative(task_page(results, task), out)})", str(task_meta(task, df)["modality"]),
         str(len(tdf)), status_counts(tdf)]
        for task, tdf in df.groupby("task", sort=True)
    ]  # fmt: skip
    blocks += [
        Heading(2, "Tasks"),
        Text("Each task's tables and figures are on a page of their own."),
        Table(["task", "modality", "cells", "status"], rows),
    ]
    return Report(blocks, pages, full)


@dataclass
class Report:
    """The summary (leaderboard.md), one page of blocks per task (`results/tasks/<task>.md`) and the full
    reproduction section (`results/reproduction.md`)."""

    summary: list[Block]
    pages: dict[str, list[Block]]
    reproduction: list[Block]


def task_page(results: Path, task: str) -> Path:
    return Path(results) / "tasks" / f"{task}.md"


def reproduction_page(results: Path) -> Path:
    return Path(results) / "reproduction.md"


def unreadable_note(files: list[str]) -> list[Block]:
    """A warning naming the record files that could not be read (left out of every table)."""
    if not files:
        return []
    named = ", ".join(f"`{f}`" for f in files[:10]) + (f" and {len(files) - 10} more" if len(files) > 10 else "")
    return [Text(f"**{len(files)} record files could not be read and are left out** (run the same command again to "
                 f"redo their cells): {named}.")]  # fmt: skip


def changed_note(count: int) -> list[Block]:
    """A warning that records of encoders that have changed since they were scored are left out."""
    if not count:
        return []
    return [Text(f"**{count} records were scored on encoders that have changed since and are left out** (run the "
                 "same command again to redo their cells).")]  # fmt: skip


def status_counts(df: pd.DataFrame) -> str:
    return ", ".join(f"{n} {s}" for s, n in df["status"].value_counts().sort_index().items())


def spread(df: pd.DataFrame) -> Table | None:
    """How far apart the methods are: per task and main anchor count, the best and worst method's mean main
    score, and the range, standard deviation and interquartile range of the methods' means (the IQR, the
    spread of the middle half, is not moved by one or two failing methods)."""
    rows = []
    for task, tdf in df.groupby("task", sort=True):
        s = method_means(tdf)
        for k, at_k in s.groupby("anchors", sort=True):
            m = at_k.set_index("method")["mean"]
            best, worst = m.idxmax(), m.idxmin()
            rows.append([
                task, str(k), str(len(m)), f"{best} {m[best]:.3f}", f"{worst} {m[worst]:.3f}",
                f"{m[best] - m[worst]:.3f}", f"{m.std():.3f}", f"{m.quantile(0.75) - m.quantile(0.25):.3f}",
            ])  # fmt: skip
    headers = ["task", "anchors", "methods", "best", "worst", "range", "std", "IQR"]
    return Table(headers, rows) if rows else None


def ranking_table(table: pd.DataFrame) -> Table:
    """The ranking (mean ranks to one decimal place), its best rank (lowest) and best `stitched_ratio` (highest) of each
    column in bold."""
    headers = ["method", *map(str, table.columns)]
    ranks = [h for h in headers if "rank" in h]
    rows = [
        [m, *[fmt(v, digits=1 if h in ranks else 3) for h, v in zip(headers[1:], row, strict=True)]]
        for m, row in zip(table.index, table.itertuples(index=False), strict=True)
    ]
    better: dict[str, Direction] = dict.fromkeys(ranks, "lower")
    better |= {h: "higher" for h in headers if h.startswith("stitched_ratio")}
    return Table(headers, mark_best(headers, rows, better))


def kinds_table(pivot: pd.DataFrame, direction: Direction, extra: dict[str, pd.Series] | None = None) -> Table:
    """methods × pair kinds (`by_pair_kind`), the best of each kind in bold, then any `extra` columns unmarked."""
    extra = extra or {}
    rows = [[m, *row, *(fmt(e.get(m, np.nan)) for e in extra.values())]
            for m, row in zip(pivot.index, pivot.to_numpy(), strict=True)]  # fmt: skip
    headers = ["method", *pivot.columns, *extra]
    return Table(headers, mark_best(headers, rows, dict.fromkeys(pivot.columns, direction)))


#: metrics that compare methods, with the direction that is better (the targets' own accuracies are the same for
#: every method, and the scores in the method's own space are diagnostics: neither is marked)
BETTER: dict[str, Direction] = {
    m: d for m, d in directions().items()
    if not m.startswith(("native", "decoder_native", "method_nostitch"))
}  # fmt: skip

LEADING_NUMBER = re.compile(r"\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)")


def mark_best(
    headers: list[str], rows: list[list[Any]], better: dict[str, Direction], by: str | None = None
) -> list[list[str]]:
    """`rows` with the best value of each column named in `better` in bold (the highest or lowest leading number
    of a cell; ties all marked), compared within the rows that share the column `by` when given."""
    rows = [[str(v) for v in row] for row in rows]
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(row[headers.index(by)] if by else "", []).append(i)
    out = [list(row) for row in rows]
    for col, header in enumerate(headers):
        if header not in better:
            continue
        pick = max if better[header] == "higher" else min
        for members in groups.values():
            values = {i: float(m.group(1)) for i in members if (m := LEADING_NUMBER.match(rows[i][col]))}
            if len(values) < 2:
                continue
            best = pick(values.values())
            for i, v in values.items():
                if v == best:
                    out[i][col] = f"**{rows[i][col]}**"
    return out


def task_section(task: str, tdf: pd.DataFrame, results: Path, fig_dir: Path) -> list[Block]:
    meta = task_meta(task, tdf)
    main = meta["main"]
    encoders = encoder_order(tdf, meta["roster"])
    modality = str(meta["modality"])
    blocks: list[Block] = [Heading(2, f"Task `{task}` ({modality})", {"task": task, "modality": modality})]
    if meta["description"]:
        blocks.append(Text(meta["description"] + "."))
    if meta["provenance"]:
        blocks.append(Text(f"Data: {meta['provenance']}. Licence: {meta['licence']}."))
    if roster := roster_table(results, task, encoders):
        blocks.append(roster)
    if not (tdf["status"] == "ok").any():
        return blocks + problems(tdf)
    ok = cross_ok(tdf)
    shown = ok[ok["anchors"].isin([0, *main_counts(tdf)])]
    retrieval = False
    for title, metrics in METRIC_TABLES:
        headers, rows = metric_table(shown, metrics)
        if len(headers) > 3:
            blocks += [Heading(3, title), Table(headers, mark_best(headers, rows, BETTER, by="anchors"))]
            retrieval |= title.startswith("Cross-modal retrieval")
    if retrieval and meta["classes"] is not None:
        blocks.append(Text(retrieval_legend(meta["classes"])))
    if main in ok and not ok.empty:
        blocks += sweep_section(ok, main)
    top_k = max(main_counts(tdf), default=0)
    at_k = at_budget(tdf[tdf["status"] == "ok"], top_k)
    if main in at_k:
        pivot = by_pair_kind(at_k.dropna(subset=[main]), main)
        blocks += [
            Heading(3, f"`{main}` by pair kind at {top_k} anchors"),
            kinds_table(pivot, BETTER.get(main, "higher")),
        ]
    classified = at_k.dropna(subset=["stitched_acc"]) if "stitched_acc" in at_k else at_k.iloc[:0]
    if not classified.empty:
        blocks += accuracy_by_pair_kind(classified, top_k)
    if "decoder_ratio" in at_k:
        blocks += decoder_vs_head(at_k[at_k["pair_kind"] != "self"], top_k)
    pretrained = set(meta["pretrained"])
    if pretrained and not classified.empty:
        blocks += pretrained_pairs(classified[classified["pair_kind"] != "self"], pretrained, top_k)
    blocks.append(Heading(3, "Figures"))
    curve = summarise(ok.dropna(subset=[main]), ["method", "anchors"], main) if main in ok else pd.DataFrame()
    if not curve.empty:
        path = fig_dir / f"anchors-{main}.png"
        family = tdf.drop_duplicates("method").set_index("method")["family"]
        curve["family"] = curve["method"].map(family)
        figures.anchor_curves(curve, main, f"{task}: {main} vs anchors (cross pairs)", path, thresholds(ok))
        blocks.append(Figure(path, f"{task} anchors"))
    heatmaps = []
    free = anchor_free(tdf)
    for method in sorted(tdf["method"].unique()):
        mdf = at_budget(tdf[tdf["method"] == method], top_k)
        mdf = mdf[mdf["status"] == "ok"].dropna(subset=[main]) if main in mdf else mdf.iloc[:0]
        if mdf.empty:
            continue
        path = fig_dir / f"heatmap-{file_name(method)}.png"
        budget = "no anchors" if method in free else f"k={top_k}"
        figures.heatmap(mdf, main, encoders, f"{task} · {method} · {main} · {budget}", path)
        heatmaps.append(Figure(path, method))
    if heatmaps:
        caption = f"Source × target heatmaps of `{main}` at {top_k} anchors (anchor-free methods: their one score)"
        blocks.append(Gallery(caption, heatmaps))
    blocks += similarity_section(tdf, main, top_k, encoders, fig_dir)
    return blocks + problems(tdf)


def file_name(method: str) -> str:
    """A method's name as a file name (`lfm (shared)` → `lfm-shared`)."""
    return re.sub(r"[^\w.-]+", "-", method).strip("-")


def retrieval_legend(n_classes: int) -> str:
    """What `src2tgt` / `tgt2src` mean, and the scores of chance."""
    legend = (
        "`src2tgt`: the mapped source samples (the pair's source, speech or text) retrieve the target's classes; "
        "`tgt2src`: the target samples retrieve the source's."
    )
    if n_classes == 0:
        return f"{legend} Each sample is its own class: chance R@k = k / test samples."
    n = n_classes
    return f"{legend} Chance: R@1 = 1/{n} = {1 / n:.3f}, R@5 = {5 / n:.3f}, R@10 = {10 / n:.3f}."


def by_pair_kind(cells: pd.DataFrame, metric: str) -> pd.DataFrame:
    """methods × pair kinds: the metric's mean and interval over the cells."""
    return cells.groupby(["method", "pair_kind"])[metric].apply(interval_text).unstack("pair_kind").fillna("n/a")


def accuracy_by_pair_kind(at_k: pd.DataFrame, top_k: int) -> list[Block]:
    """Stitched accuracy per method and pair kind beside the native accuracy of the cross pairs' targets."""
    pivot = by_pair_kind(at_k, "stitched_acc")
    cross = at_k[at_k["pair_kind"] != "self"]
    nostitch = cross.groupby("method")["native_acc"].mean() if "native_acc" in cross else pd.Series(dtype=float)
    return [
        Heading(3, f"Stitched accuracy by pair kind at {top_k} anchors"),
        Text(
            "`native`: the targets' own accuracy with the native head (fitted on the target's raw space), over the "
            "cross pairs' cells."
        ),
        kinds_table(pivot, "higher", {"native": nostitch}),
    ]


#: the smallest difference of ratios (decoder − head) that gets a line of its own on why
MATERIAL = 0.01
HEAD_OR_DECODER = [
    "method",
    "cells",
    "stitched_ratio (head)",
    "decoder_ratio (own decoder)",
    "decoder − head",
    "cosine",
    "",
]


def decoder_vs_head(cross: pd.DataFrame, top_k: int) -> list[Block]:
    """Per method, over the cross cells that have both: `stitched_ratio` (the fitted native head) beside
    `decoder_ratio` (the target's own trained decoder), and their paired difference, decoder − head, with its
    interval; *agree* when that interval holds 0. Each disagreement of at least MATERIAL gets a line on why, from the
    records: how close a translator's mapped samples are to the target's own latents (`cosine`), against the
    translators fitted on the same anchors whose two scores agree."""
    both = cross.dropna(subset=["stitched_ratio", "decoder_ratio"]) if "stitched_ratio" in cross else cross.iloc[:0]
    cosine = both["cosine"] if "cosine" in both else pd.Series(float("nan"), index=both.index)
    rows, says, gap, closeness, anchored = [], {}, {}, {}, {}
    for method, g in both.groupby("method", sort=True):
        difference = estimate(g["decoder_ratio"] - g["stitched_ratio"])
        says[method] = (
            "own decoder higher"
            if verdict(difference, ">", 0) == HOLDS
            else "own decoder lower"
            if verdict(difference, "<", 0) == HOLDS
            else "agree"
        )
        gap[method] = difference.mean
        translator = "family" not in g or bool((g["family"] == "translator").all())
        closeness[method] = float(cosine[g.index].mean()) if translator else float("nan")
        anchored[method] = "anchors" not in g or bool((g["anchors"] > 0).all())
        rows.append([method, str(len(g)), interval_text(g["stitched_ratio"]), interval_text(g["decoder_ratio"]),
                     str(difference), fmt(closeness[method]), says[method]])  # fmt: skip
    if not rows:
        return []
    agreeing = [  # the translators fitted on the same anchors whose two scores agree (not the anchor-free ones)
        closeness[m] for m, said in says.items() if said == "agree" and anchored[m] and not np.isnan(closeness[m])
    ]
    differ = [m for m, said in says.items() if said != "agree"]
    why = [f"- `{m}`: {says[m]} by {abs(gap[m]):.3f}; " + off_target(closeness[m], agreeing)
           for m in differ if abs(gap[m]) >= MATERIAL]  # fmt: skip
    if small := [m for m in differ if abs(gap[m]) < MATERIAL]:
        why.append(
            f"- {', '.join(f'`{m}`' for m in small)}: differ by less than {MATERIAL} (consistently over the pairs, so "
            "beyond the interval): the two classifiers' boundaries, too close to matter."
        )
    return [
        Heading(3, f"Fitted head or the target's own decoder, at {top_k} anchors"),
        Text(
            "The same cross cells scored twice: `stitched_ratio` feeds the mapped source to the head fitted on the "
            "target's raw train space; `decoder_ratio` to the decoder the target was trained with (trained-here "
            "targets only; a relative-trained target's decoder reads the relative projection on its training "
            "anchors). `decoder − head`: their paired difference, mean [95 % interval]; *agree* when the interval "
            "holds 0. `cosine`: the mean cosine of the mapped source samples to the target's own test samples "
            "(n/a for projectors, whose samples live in another space). The two differ where a map lands the "
            "source off the target's training distribution: the fitted head is a linear probe regularised on the "
            "target's train space, the own decoder what the network learnt, nonlinear for the relative-trained "
            "targets."
        ),
        Table(HEAD_OR_DECODER, rows),
        *([Text("Where they disagree:"), Text("\n".join(why))] if why else []),
    ]


def off_target(cosine: float, agreeing: list[float]) -> str:
    """Why a method's own-decoder and fitted-head scores differ, from how close its mapped samples are to the
    target's latents (`cosine`, NaN for a projector, whose samples live in another space) against the translators
    whose two scores agree."""
    if np.isnan(cosine):
        return "a projector: the target's own decoder reads its relative projection, the fitted head its common space."
    said = f"its mapped samples have mean cosine {cosine:.3f} to the target's own latents"
    if not agreeing:
        return said + "."
    others = f"{min(agreeing):.3f}–{max(agreeing):.3f} for the anchored translators that agree"
    if cosine < min(agreeing):
        return (
            f"{said}, against {others}: where a map lands off the target's distribution, the two classifiers "
            "extrapolate differently."
        )
    return f"{said} ({others}): the map is as close as theirs; the two classifiers, not the map, differ here."


def problems(tdf: pd.DataFrame, most: int = 10) -> list[Block]:
    """Why cells failed and why cells were skipped: each reason once, with its count (and, for failures, one of
    its cells), the `most` commonest failures first."""
    blocks: list[Block] = []
    failed = tdf[tdf["status"] == "failed"]
    if len(failed):
        groups = sorted(failed.groupby("error", sort=False), key=lambda item: -len(item[1]))
        items = [
            f"- {cell_count(len(group))} (e.g. {r['source']}→{r['target']} {r['method']} k={r['anchors']} "
            f"seed={r['seed']}): {reason}"
            for reason, group in groups[:most]
            for r in [group.iloc[0]]
        ]
        if rest := groups[most:]:
            other = f"{len(rest)} other reason" + ("s" if len(rest) != 1 else "")
            items.append(f"- {cell_count(sum(len(g) for _, g in rest))} more, for {other}")
        blocks += [Heading(3, f"Failed cells ({len(failed)})"), Text("\n".join(items))]
    skipped = tdf[tdf["status"] == "skipped"]
    if len(skipped):
        reasons = skipped["error"].value_counts()
        items = [f"- {cell_count(n)}: {reason}" for reason, n in zip(reasons.index, reasons, strict=True)]
        blocks += [Heading(3, f"Skipped cells ({len(skipped)})"), Text("\n".join(items))]
    return blocks


def cell_count(n: int) -> str:
    return f"{n:,} cell" + ("s" if n != 1 else "")


def pretrained_pairs(cross: pd.DataFrame, pretrained: set[str], top_k: int) -> list[Block]:
    """Stitched vs native accuracy on the pairs that involve a pretrained (not trained-here) encoder."""
    src, tgt = cross["source"].isin(pretrained), cross["target"].isin(pretrained)
    group = np.select(
        [src & tgt, tgt, src], ["pretrained → pretrained", "trained → pretrained", "pretrained → trained"], ""
    )
    cells = cross.assign(group=group)[group != ""]
    if cells.empty:
        return []
    g = cells.groupby(["method", "group"], sort=True)
    accuracies = [c for c in ("stitched_acc", "native_acc") if c in cells]
    rows = [
        [m, grp, len(d[["source", "target"]].drop_duplicates()), *(interval_text(d[c]) for c in accuracies),
         interval_text(d["stitched_ratio"])]
        for (m, grp), d in g
    ]  # fmt: skip
    return [
        Heading(3, f"Pairs with a pretrained encoder at {top_k} anchors"),
        Text(f"Pretrained (frozen, not trained here) encoders: {', '.join(f'`{e}`' for e in sorted(pretrained))}."),
        Table(["method", "pairs", "ordered pairs", *accuracies, "stitched_ratio"], rows),
    ]


def listed(values: list[str]) -> str:
    return "; ".join(values) or "unknown"


def run_metadata(df: pd.DataFrame) -> list[tuple[str, str]]:
    """What produced the results (`df.attrs["run"]`, from the records or the committed table's `run.json`)."""
    run = df.attrs.get("run") or {}
    versions = run.get("versions", {})
    return [
        ("generated", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("records", f"{len(df)} cells ({status_counts(df)})"),
        ("ran", " to ".join(run["ran"]) if run.get("ran") else "unknown"),
        ("git revision", listed(run.get("git_revisions", []))),
        ("device", listed(run.get("devices", []))),
        ("precision", listed(run.get("dtypes", []))),
        ("machine", listed(run.get("machines", []))),
        ("versions", "; ".join(f"{p} {', '.join(v)}" for p, v in versions.items()) or "unknown"),
    ]


def write_leaderboard(df: pd.DataFrame, results: Path, out: Path, html: bool = False) -> list[Path]:
    """Write `out` (markdown: the summary, with links to the task pages), a page per task under
    `results/tasks/`, the full reproduction section as `results/reproduction.md`, and, with `html`, the whole
    report as one self-contained page beside `out` (`out` with suffix `.html`); returns the paths written."""
    out = Path(out)
    report = document(df, results, out)
    write_text(out, to_markdown(report.summary, out))
    written = [out]
    pages = {task_page(results, task): blocks for task, blocks in report.pages.items()}
    for page, blocks in {**pages, reproduction_page(results): report.reproduction}.items():
        back = Text(f"[← leaderboard]({relative(out, page)})")
        write_text(page, to_markdown([back, *blocks], page))
        written.append(page)
    if html:
        page = out.with_suffix(".html")
        whole = report.summary + report.reproduction + [b for blocks in report.pages.values() for b in blocks]
        write_text(page, to_html(whole, "latent-bench leaderboard", run_metadata(df), page))
        written.append(page)
    return written


def sweep_section(ok: pd.DataFrame, main: str) -> list[Block]:
    """The main score at every anchor count run (the curve in numbers), and the anchors each method needs."""
    curve = reach_curve(ok, main)
    free = anchor_free(ok)
    top = curve.ffill(axis=1).iloc[:, -1]  # each method's score at the largest count it ran
    curve = curve.loc[top.sort_values(ascending=False, kind="stable").index]
    rows = [
        [m, *(fmt(curve.loc[m, k]) if m not in free else fmt(curve.loc[m, 0]) for k in curve.columns)]
        for m in curve.index
    ]
    headers = ["method", *(f"k={k}" for k in curve.columns)]
    blocks: list[Block] = [
        Heading(3, f"`{main}` by anchor count"),
        Text(
            "Mean over cross pairs and seeds (counts outside the main grid run on fewer seeds); a method that uses "
            "no anchors has one score, shown at every count. Near an interpolation threshold (anchors ≈ an "
            f"encoder's dimension: {', '.join(map(str, thresholds(ok))) or 'none run'}) an unregularised "
            "least-squares map (`linear`, `affine`) is barely determined and its error peaks — real mathematics, "
            "not a fault; `ridge` is its regularised counterpart."
        ),
        Table(headers, mark_best(headers, rows, dict.fromkeys(headers[1:], BETTER.get(main, "higher")))),
    ]
    if main == "stitched_ratio":
        reach = first_reach(curve)
        needed = [[m, fmt_count(k)] for m, k in sorted(reach.items(), key=lambda mk: (mk[1], mk[0]))]
        blocks.append(
            Table(
                ["method", "anchors"],
                needed,
                caption=f"Anchors needed to reach {REACH:.0%} of native accuracy (`stitched_ratio` ≥ {REACH}; "
                "`never` if no count run reaches it):",
            )
        )
    return blocks


def thresholds(ok: pd.DataFrame) -> tuple[int, ...]:
    """The encoder dimensions within the anchor counts run: where least squares is at its interpolation threshold."""
    dims = set(ok["source_dim"].dropna().astype(int)) if "source_dim" in ok else set()
    counts = ok.loc[ok["anchors"] > 0, "anchors"]
    return tuple(sorted(d for d in dims if len(counts) and counts.min() <= d <= counts.max()))


def fmt_count(k: float) -> str:
    return "never" if not np.isfinite(k) else str(int(k))


def similarity_section(tdf: pd.DataFrame, main: str, top_k: int, encoders: list[str], fig_dir: Path) -> list[Block]:
    """CKA and mutual k-NN of the raw pairs, by pair kind, and how well they predict each method's score."""
    sims = [c for c in ("cka", f"mutual_knn@{MUTUAL_K}") if c in tdf]
    ok = tdf[(tdf["status"] == "ok")].dropna(subset=sims) if sims else tdf.iloc[:0]
    if ok.empty:
        return []
    pairs = ok.drop_duplicates(["source", "target"])
    rows = [[kind, len(g), *(interval_text(g[c]) for c in sims)] for kind, g in pairs.groupby("pair_kind", sort=True)]
    blocks: list[Block] = [
        Heading(3, "Similarity of the raw spaces"),
        Text(
            f"Linear CKA and mutual k-NN (k = {MUTUAL_K}) between the source and target test spaces, per ordered "
            f"pair; then, per method, Spearman's ρ between each similarity and `{main}` at {top_k} anchors over the "
            "cross pairs (mean over seeds): how far the raw similarity predicts stitching."
        ),
        Table(["pair kind", "pairs", *sims], rows),
    ]
    cross = at_budget(ok[ok["pair_kind"] != "self"], top_k)
    corr = []
    for method, g in cross.groupby("method", sort=True) if main in cross else []:  # records without the main score
        per_pair = g.groupby(["source", "target"])[[main, *sims]].mean()
        if len(per_pair) >= 3 and per_pair[main].nunique() > 1:
            corr.append([method, len(per_pair), *(f"{spearmanr(per_pair[c], per_pair[main])[0]:.2f}" for c in sims)])
    if corr:
        blocks.append(Table(["method", "pairs", *(f"ρ({c}, {main})" for c in sims)], corr))
    path = fig_dir / "similarity-cka.png"
    figures.heatmap(pairs, "cka", encoders, "linear CKA of the raw test spaces", path)
    blocks.append(Figure(path, "CKA heatmap"))
    return blocks


def fmt(v: Any, digits: int = 3) -> str:
    if isinstance(v, float | np.floating):
        return "n/a" if not np.isfinite(v) else f"{v:.{digits}f}"
    return str(v)
