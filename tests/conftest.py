"""Shared fixtures, and the markers each test gets from where it is and what it uses
(tests/README.md). Plain helpers are in tests/helpers.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import DEMO


@pytest.fixture
def demo_dir() -> Path:
    return DEMO


@pytest.fixture
def counting_use():
    """The real USE encoder, wrapped to record every text it is asked to embed."""
    from wiretrace.story.encoder import EncoderUnavailable, load_encoders

    try:
        (use,) = load_encoders("use")
    except EncoderUnavailable as exc:
        pytest.fail(f"{exc} (the test extra installs it)")
    seen: list[str] = []

    class Counting:
        name, floor = use.name, use.floor

        def encode(self, texts, done=None):
            seen.extend(texts)
            return use.encode(texts, done)

    return Counting(), seen


@pytest.fixture(scope="module")
def page():
    """One headless Chromium page for a test module. CI sets WIRETRACE_REQUIRE_BROWSER=1 so
    that a missing browser fails there instead of skipping."""

    from wiretrace.report.browser import BrowserUnavailable, browser_page

    try:
        with browser_page() as p:
            yield p
    except BrowserUnavailable as exc:
        if os.environ.get("WIRETRACE_REQUIRE_BROWSER"):
            raise
        pytest.skip(f"no headless browser: {exc}")


#: Test files (paths under tests/) whose tests read ../shared (``need``, ``SEEDS`` or ``DATA``).
NEEDS_DATA = {
    "bench/test_dates.py",
    "ingest/test_html_page.py",
    "ingest/test_warc.py",
    "report/test_html.py",
    "service/test_app.py",
    "story/test_fusion.py",
    "test_dedup.py",
    "test_seeds.py",
    "trace/test_diff.py",
    "trace/test_original.py",
}

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers from where each test is and what it uses, so that ``-m`` selects by component."""
    for item in items:
        where = item.path.resolve().relative_to(HERE).as_posix()
        uses = set(getattr(item, "fixturenames", ()))
        if where.startswith("spark/"):
            item.add_marker(pytest.mark.spark)
            item.add_marker(pytest.mark.slow)
        if "page" in uses:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
        if where.startswith("service/"):
            item.add_marker(pytest.mark.slow)
        if where in NEEDS_DATA:
            item.add_marker(pytest.mark.needs_data)
