"""Shared fixtures: the demo corpus shipped with the package, and ../shared when present."""

from __future__ import annotations

import random
from pathlib import Path

import orjson
import pytest

import wiretrace

DEMO = Path(wiretrace.__file__).parent / "demo"
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: this test needs the shared data set next to the repo")
    return path


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
        pytest.skip(str(exc))
    seen: list[str] = []

    class Counting:
        name, floor = use.name, use.floor

        def encode(self, texts):
            seen.extend(texts)
            return use.encode(texts)

    return Counting(), seen


def synthetic_corpus(folder: Path, n: int, seed: int) -> Path:
    """``n`` articles made of demo paragraphs, some edited: copies, partial copies, stories."""
    rng = random.Random(seed)
    paragraphs = [
        p
        for f in sorted(DEMO.glob("*.txt"))
        for p in f.read_text(encoding="utf-8").split("\n\n")[1:]
        if len(p) > 80
    ]
    words = " ".join(paragraphs).split()
    folder.mkdir(parents=True)
    rows = []
    for k in range(n):
        picked = rng.sample(paragraphs, rng.randint(2, 5))
        edited = []
        for p in picked:
            toks = p.split()
            for _ in range(rng.randint(0, len(toks) // 8)):
                toks[rng.randrange(len(toks))] = rng.choice(words)
            edited.append(" ".join(toks))
        rows.append(
            {
                "id": f"s{seed}-{k:03d}",
                "title": f"Article {k}",
                "text": "\n\n".join(edited),
                "published": f"2024-05-{1 + k % 28:02d}",
            }
        )
    path = folder / "articles.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


@pytest.fixture(scope="module")
def page():
    """One headless Chromium page for a test module. CI sets WIRETRACE_REQUIRE_BROWSER=1 so
    that a missing browser fails there instead of skipping."""
    import os

    from wiretrace.report.browser import BrowserUnavailable, browser_page

    try:
        with browser_page() as p:
            yield p
    except BrowserUnavailable as exc:
        if os.environ.get("WIRETRACE_REQUIRE_BROWSER"):
            raise
        pytest.skip(f"no headless browser: {exc}")
