"""Fixtures of the ingest tests: the seed articles as HTML pages, and the run over their text."""

from __future__ import annotations

import pytest

from tests.helpers import SEEDS, need
from wiretrace import Config, run
from wiretrace.config import RunSettings
from wiretrace_bench.pages import page_from_text


@pytest.fixture(scope="package")
def seed_pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed_pages")
    pages = {}
    for k, path in enumerate(sorted(need(SEEDS).glob("*.txt"))):
        pages[path.stem] = page_from_text(
            path.read_text(encoding="utf-8"), site=k, slug=path.stem
        ).encode()
        (folder / f"{path.stem}.html").write_bytes(pages[path.stem])
    return folder, pages


@pytest.fixture(scope="package")
def text_result():
    return run([need(SEEDS)], Config(run=RunSettings(workers=1)))
