"""The HTML report in a real browser (Debian's Chromium, driven by Playwright): it loads with no console
errors and no network, its tables sort, its figures render, its table-of-contents links land on their sections,
no table overflows the page, its filters hide what they should; a screenshot is kept under `artefacts/`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bench.registry import project_home
from tests.helpers import bench

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFACTS = Path(os.environ.get("BENCH_ARTEFACTS", project_home() / "artefacts"))
# Headless, sandbox-free (CI runs as root) and without the background services that would reach the network.
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="no Chromium (`make setup` installs Debian's)"
)


@pytest.fixture(scope="module")
def page_path(ci_run, cache_dir, tmp_path_factory) -> Path:
    root, _ = ci_run
    # the report writes task pages and figures into its results folder: a copy, so the shared run stays as it was
    results = shutil.copytree(root / "results", tmp_path_factory.mktemp("html-results") / "results")
    out = tmp_path_factory.mktemp("html") / "leaderboard.md"
    proc = bench("leaderboard", "--html", "--results", str(results), "--out", str(out), cache=cache_dir)
    assert "leaderboard.html" in proc.stdout
    return out.with_suffix(".html")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "Chromium is not installed: `make setup` installs Debian's chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def column(page, table: int, col: int) -> list[str]:
    return page.eval_on_selector_all(
        f"table.sortable >> nth={table} >> tbody tr", f"rows => rows.map(r => r.cells[{col}].textContent.trim())"
    )


def numbers(values: list[str]) -> list[float]:
    return [float(v.split()[0]) for v in values if v not in ("n/a", "never", "")]


def test_page_loads_offline_sorts_and_renders(page_path: Path, browser) -> None:
    html = page_path.read_text()
    assert "http://" not in html and "https://" not in html  # nothing fetched at view time
    assert len(html.encode()) < 3_000_000 and "data:image" not in html  # figures linked, not embedded
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_path.as_uri(), wait_until="load")
    assert errors == []
    assert {u.split(":")[0] for u in requests} <= {"file", "data"}

    # run metadata and every section of the markdown leaderboard
    meta = page.inner_text("#run-metadata")
    for key in ("git revision", "device", "versions", "torch", "generated"):
        assert key in meta
    headings = page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
    assert headings[:4] == ["Overall ranking", "Ranking by modality", "Spread between methods", "Paper reproduction"]
    assert "Task digits (images)" in headings

    # the overall ranking sorts by a numeric column both ways, and by name
    headers = page.eval_on_selector_all("table.sortable >> nth=0 >> th", "ths => ths.map(t => t.textContent)")
    k300 = headers.index("rank k=300")
    header = page.locator("table.sortable").first.locator("th").nth(k300)
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    up = numbers(column(page, 0, k300))
    assert up == sorted(up) and len(up) == len(column(page, 0, 0))
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert numbers(column(page, 0, k300)) == sorted(up, reverse=True)
    page.locator("table.sortable").first.locator("th").nth(0).click()
    names = column(page, 0, 0)
    assert names == sorted(names)

    # every figure (linked files, loaded lazily) decodes: curves, one heatmap per method, CKA
    page.evaluate("() => Promise.all(Array.from(document.images, i => { i.loading = 'eager'; return i.decode(); }))")
    images = page.eval_on_selector_all("img", "im => im.map(i => [i.complete, i.naturalWidth, i.alt])")
    assert len(images) >= 3 and all(done and width > 100 for done, width, _ in images)
    assert {"digits anchors", "CKA heatmap", "procrustes"} <= {alt for *_, alt in images}

    # unique heading ids; each table-of-contents link lands on its own section
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))
    links = page.eval_on_selector_all("nav.contents a", "as => as.map(a => a.getAttribute('href'))")
    assert len(links) >= 6
    for href in links:
        page.click(f"nav.contents a[href='{href}']")
        top = page.evaluate(f"() => document.getElementById({href[1:]!r}).getBoundingClientRect().top")
        at_bottom = page.evaluate("() => window.innerHeight + window.scrollY >= document.body.scrollHeight - 2")
        assert -1 <= top < 150 or at_bottom, f"{href} lands {top:.0f} px from the top"

    # no table is wider than the page: a wide one scrolls inside its own frame
    overflow = page.evaluate(
        """() => Array.from(document.querySelectorAll("div.table-wrap")).filter(w => {
             const page = document.body.getBoundingClientRect();
             const box = w.getBoundingClientRect();
             const scrolls = getComputedStyle(w).overflowX === "auto";
             return box.right > page.right + 1 || (w.scrollWidth > w.clientWidth + 1 && !scrolls);
           }).length"""
    )
    assert overflow == 0 and page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

    # filters: a task hides the other tasks' sections and rows; an anchor count hides the other counts' columns
    page.select_option("#filters select[name=task]", "digits")
    hidden = page.eval_on_selector_all("div.block[data-task]", "bs => bs.filter(b => b.hidden).length")
    shown = page.eval_on_selector_all("div.block[data-task='digits']", "bs => bs.filter(b => !b.hidden).length")
    assert shown > 5 and hidden == 0  # one task in this run: nothing of digits is hidden
    page.select_option("#filters select[name=anchors]", "10")
    visible = page.eval_on_selector_all(
        "table.sortable >> nth=0 >> th", "ths => ths.filter(t => !t.hidden).map(t => t.textContent)"
    )
    assert "rank k=10" in visible and "rank k=300" not in visible and "method" in visible
    page.select_option("#filters select[name=anchors]", "")
    page.select_option("#filters select[name=task]", "")

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")  # the summary, as a reader first sees it
    page.screenshot(path=str(ARTEFACTS / "leaderboard-html.png"))
    page.locator("h2#task-digits-images").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTEFACTS / "leaderboard-html-digits.png"))
    assert (ARTEFACTS / "leaderboard-html.png").stat().st_size > 10_000
    page.close()
