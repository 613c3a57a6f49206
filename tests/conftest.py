"""Shared fixtures: the demo corpus shipped with the package, and ../shared when present."""

from __future__ import annotations

from pathlib import Path

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
