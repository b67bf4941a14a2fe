"""The leaderboard as a list of blocks, rendered to markdown (`leaderboard.md`) or to one HTML page (tables
sortable, filters by modality, task and anchor count, figures linked from the files beside it, loaded lazily):
both renderings say the same thing from the same blocks."""

from __future__ import annotations

import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from tabulate import tabulate


@dataclass(frozen=True)
class Heading:
    """A heading; its `tags` (e.g. task, modality) mark every block of its section, for the HTML filters."""

    level: int
    text: str
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Text:
    """A paragraph in markdown (inline code, emphasis, links)."""

    markdown: str


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", [[str(v) for v in row] for row in self.rows])


@dataclass(frozen=True)
class Figure:
    path: Path
    alt: str


@dataclass(frozen=True)
class Gallery:
    """Several figures under one caption: links in markdown, a grid of images in HTML."""

    caption: str
    figures: list[Figure] = field(default_factory=list)


Block = Heading | Text | Table | Figure | Gallery


def to_markdown(blocks: list[Block], out: Path) -> str:
    """GitHub-flavoured markdown; figure paths relative to the folder of `out`."""
    parts = []
    for b in blocks:
        if isinstance(b, Heading):
            parts.append(f"{'#' * b.level} {b.text}")
        elif isinstance(b, Text):
            parts.append("\n".join(map(wrapped, b.markdown.split("\n"))))
        elif isinstance(b, Table):
            rows = [[cell.replace("|", "\\|") for cell in row] for row in b.rows]
            headers = [h.replace("|", "\\|") for h in b.headers]
            table = tabulate(rows, headers, tablefmt="github", disable_numparse=True)
            parts.append(f"{wrapped(b.caption)}\n\n{table}" if b.caption else table)
        elif isinstance(b, Figure):
            parts.append(f"![{b.alt}]({relative(b.path, out)})")
        elif isinstance(b, Gallery):
            links = [f"[{f.alt}]({relative(f.path, out)})" for f in b.figures]
            parts.append(packed(f"{b.caption}:", links))
    return "\n\n".join(parts).rstrip() + "\n"


#: prose lines of the markdown are wrapped at this width (a newline inside a paragraph reads as a space)
WIDTH = 120


def wrapped(line: str) -> str:
    """One line of prose wrapped at WIDTH, never inside a word or a link (a list item's continuation indented)."""
    if len(line) <= WIDTH or line.lstrip().startswith("|"):
        return line
    indent = "  " if line.startswith("- ") else ""
    return textwrap.fill(line, WIDTH, break_long_words=False, break_on_hyphens=False, subsequent_indent=indent)


def packed(head: str, items: list[str], sep: str = " · ") -> str:
    """`head` then the items joined by `sep`, in lines of at most WIDTH characters broken only between items, so
    that no link is split (a line ends with the separator when the next item goes on; an item longer than WIDTH
    stands alone)."""
    lines = [head]
    for i, item in enumerate(items):
        glue = sep if i else " "
        if len(lines[-1]) + len(glue) + len(item) <= WIDTH:
            lines[-1] += glue + item
        else:
            lines[-1] += sep.rstrip() if i else ""
            lines.append(item)
    return "\n".join(lines)


def relative(path: Path, out: Path) -> str:
    return Path(os.path.relpath(Path(path).resolve(), Path(out).parent.resolve())).as_posix()


def slug(text: str) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(filter(None, keep.split("-")))


def unique_ids(blocks: list[Block]) -> list[str]:
    """Each heading's HTML id: its slug, prefixed with its level-2 section's slug where the slug repeats (e.g.
    `task-digits-images-figures`), with a number appended if it still does."""
    ids: list[str] = []
    seen: set[str] = set()
    section = ""
    for b in blocks:
        if not isinstance(b, Heading):
            continue
        base = slug(b.text)
        if b.level <= 2:
            section = base
        candidate = base if base not in seen else f"{section}-{base}"
        n = 2
        while candidate in seen:
            candidate, n = f"{section}-{base}-{n}", n + 1
        seen.add(candidate)
        ids.append(candidate)
    return ids


def section_tags(blocks: list[Block]) -> list[dict[str, str]]:
    """The tags of each block: those of the headings whose sections it is in (a heading's section runs to the
    next heading of its level or above)."""
    open_: list[Heading] = []
    out = []
    for b in blocks:
        if isinstance(b, Heading):
            open_ = [h for h in open_ if h.level < b.level] + [b]
        out.append({k: v for h in open_ for k, v in h.tags.items()})
    return out


#: a column for one anchor count (`k=300`, `rank k=300`): hidden by the anchors filter unless its count is chosen
ANCHOR_COLUMN = re.compile(r"\bk=(\d+)\b")


def filter_values(blocks: list[Block], tags: list[dict[str, str]]) -> dict[str, list[str]]:
    """The values each HTML filter offers: the modalities and tasks tagged, the anchor counts of the tables."""
    anchors: set[int] = set()
    for b in blocks:
        if isinstance(b, Table):
            anchors |= {int(m.group(1)) for h in b.headers if (m := ANCHOR_COLUMN.search(h))}
            if "anchors" in b.headers:
                col = b.headers.index("anchors")
                anchors |= {int(row[col]) for row in b.rows if row[col].isdigit()}
    return {
        "modality": sorted({t["modality"] for t in tags if "modality" in t}),
        "task": sorted({t["task"] for t in tags if "task" in t}),
        "anchors": [str(k) for k in sorted(anchors)],
    }


def to_html(blocks: list[Block], title: str, metadata: list[tuple[str, str]], out: Path) -> str:
    """One page, written to `out`, with no outside resources but the figure files it links (relative to `out`)."""
    md = MarkdownIt("commonmark", {"html": False})
    ids = iter(unique_ids(blocks))
    tags = section_tags(blocks)
    rendered: list[dict[str, Any]] = []
    for b, tag in zip(blocks, tags, strict=True):
        item: dict[str, Any]
        if isinstance(b, Heading):
            item = {"kind": "heading", "level": b.level, "html": md.renderInline(b.text), "id": next(ids)}
        elif isinstance(b, Text):
            item = {"kind": "html", "html": md.render(b.markdown)}
        elif isinstance(b, Table):
            caption = md.renderInline(b.caption) if b.caption else ""
            rows = [[md.renderInline(cell) for cell in row] for row in b.rows]
            # columns of prose wrap and align left; columns of figures stay on one line
            prose = [any(len(row[c]) > 40 for row in b.rows) for c in range(len(b.headers))]
            item = {"kind": "table", "headers": b.headers, "rows": rows, "prose": prose, "caption": caption}
        elif isinstance(b, Figure):
            item = {"kind": "figures", "caption": "", "figures": [figure(b, out)]}
        else:
            item = {
                "kind": "figures",
                "caption": md.renderInline(b.caption),
                "figures": [figure(f, out) for f in b.figures],
            }
        rendered.append(item | {"tags": tag})
    contents = [(r["level"], r["html"], r["id"]) for r in rendered if r["kind"] == "heading" and r["level"] <= 2]
    template = environment().get_template("leaderboard.html.j2")
    return template.render(
        title=title, blocks=rendered, contents=contents, metadata=metadata, filters=filter_values(blocks, tags)
    )


def figure(f: Figure, out: Path) -> dict[str, str]:
    return {"src": relative(f.path, out), "alt": f.alt}


def environment() -> Environment:
    return Environment(loader=PackageLoader("bench.report"), autoescape=select_autoescape(["html", "j2"]))
