"""Opening the HTML report in headless Chromium: screenshots for people, timings for the
benchmark, and the browser tests.

Needs Playwright's Python package and a Chromium on the machine (Debian's
``chromium`` package: ``/usr/bin/chromium``); Playwright's own browser download
is not used, since these machines reach no download site.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from wiretrace.errors import WiretraceError

#: Flags for a machine with no network and no screen: no sandbox (root in CI), no GPU,
#: and none of Chromium's background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class BrowserUnavailable(WiretraceError, RuntimeError):
    """Playwright or Chromium is missing."""


def chromium_path() -> str | None:
    """The Chromium to drive: ``$WIRETRACE_CHROMIUM``, else one on the PATH."""
    env = os.environ.get("WIRETRACE_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@contextmanager
def browser_page(width: int = 1400, height: int = 1000) -> Iterator:
    """A Playwright page in headless Chromium; page errors are collected in ``page.errors``."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserUnavailable("pip install playwright (the Python package)") from exc
    path = chromium_path()
    if path is None:
        raise BrowserUnavailable(
            "no Chromium found: apt-get install chromium (or set WIRETRACE_CHROMIUM)"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            errors: list[str] = []
            # An attribute of our own on Playwright's Page, read by the report's checks.
            page.errors = errors  # type: ignore[attr-defined]
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            yield page
        finally:
            browser.close()


def report_url(
    html: str | Path,
    story: str | None = None,
    version: str | None = None,
    pair: tuple[str, str] | None = None,
) -> str:
    """The report's page of a story, of a version compared with its original, or of a
    relation (``pair``: its ``a`` and ``b``) side by side."""
    url = Path(html).resolve().as_uri()
    if story:
        url += f"#story={quote(story, safe='')}"
        if version:
            url += f"&version={quote(version, safe='')}"
        if pair:
            url += f"&a={quote(pair[0], safe='')}&b={quote(pair[1], safe='')}"
    return url


def screenshot(
    html: str | Path, png: str | Path, story: str | None = None, version: str | None = None
) -> Path:
    """A full-page PNG of the story list, or of one story (and version) of the report."""
    with browser_page() as page:
        page.goto(report_url(html, story, version))
        page.wait_for_selector("#side-by-side, #compare" if story else "#stories tr")
        page.screenshot(path=str(png), full_page=True)
    return Path(png)


def first_page_seconds(html: str | Path) -> dict[str, float]:
    """Seconds from navigation until the story list shows its first row, and until the
    whole file has loaded (every story block parsed by the HTML parser)."""
    with browser_page() as page:
        start = time.perf_counter()
        page.goto(report_url(html), wait_until="commit")
        page.wait_for_selector("#stories tr")
        first = time.perf_counter() - start
        page.wait_for_load_state("load")
        loaded = time.perf_counter() - start
        return {
            "first_page_s": round(first, 3),
            "loaded_s": round(loaded, 3),
            "errors": len(page.errors),
        }
