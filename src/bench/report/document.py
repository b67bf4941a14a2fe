"""The leaderboard as a list of blocks, rendered to markdown (`leaderboard.md`) or to one self-contained
HTML page (tables sortable, figures embedded): both renderings say the same thing from the same blocks."""

from __future__ import annotations

import base64
import os
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from tabulate import tabulate


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


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
            parts.append(f"{b.caption}\n\n{table}" if b.caption else table)
        elif isinstance(b, Figure):
            parts.append(f"![{b.alt}]({relative(b.path, out)})")
        elif isinstance(b, Gallery):
            links = " · ".join(f"[{f.alt}]({relative(f.path, out)})" for f in b.figures)
            parts.append(f"{b.caption}: {links}")
    return "\n\n".join(parts).rstrip() + "\n"


#: prose lines of the markdown are wrapped at this width (a newline inside a paragraph reads as a space)
WIDTH = 120


def wrapped(line: str) -> str:
    """One line of prose wrapped at WIDTH, never inside a word or a link (a list item's continuation indented)."""
    if len(line) <= WIDTH or line.lstrip().startswith("|"):
        return line
    indent = "  " if line.startswith("- ") else ""
    return textwrap.fill(line, WIDTH, break_long_words=False, break_on_hyphens=False, subsequent_indent=indent)


def relative(path: Path, out: Path) -> str:
    return Path(os.path.relpath(Path(path).resolve(), Path(out).parent.resolve())).as_posix()


def slug(text: str) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(filter(None, keep.split("-")))


def data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def to_html(blocks: list[Block], title: str, metadata: list[tuple[str, str]]) -> str:
    """One page with no outside resources: figures as data URIs, styles and the table sorter inline."""
    md = MarkdownIt("commonmark", {"html": False})
    rendered: list[dict[str, Any]] = []
    for b in blocks:
        if isinstance(b, Heading):
            rendered.append({"kind": "heading", "level": b.level, "html": md.renderInline(b.text), "id": slug(b.text)})
        elif isinstance(b, Text):
            rendered.append({"kind": "html", "html": md.render(b.markdown)})
        elif isinstance(b, Table):
            caption = md.renderInline(b.caption) if b.caption else ""
            rows = [[md.renderInline(cell) for cell in row] for row in b.rows]
            # columns of prose wrap and align left; columns of figures stay on one line
            prose = [any(len(row[c]) > 40 for row in b.rows) for c in range(len(b.headers))]
            rendered.append({"kind": "table", "headers": b.headers, "rows": rows, "prose": prose, "caption": caption})
        elif isinstance(b, Figure):
            rendered.append({"kind": "figures", "caption": "", "figures": [figure(b)]})
        elif isinstance(b, Gallery):
            figs = list(map(figure, b.figures))
            rendered.append({"kind": "figures", "caption": md.renderInline(b.caption), "figures": figs})
    contents = [(r["level"], r["html"], r["id"]) for r in rendered if r["kind"] == "heading" and r["level"] <= 3]
    template = environment().get_template("leaderboard.html.j2")
    return template.render(title=title, blocks=rendered, contents=contents, metadata=metadata)


def figure(f: Figure) -> dict[str, str]:
    return {"src": data_uri(f.path), "alt": f.alt}


def environment() -> Environment:
    return Environment(loader=PackageLoader("bench.report"), autoescape=select_autoescape(["html", "j2"]))
