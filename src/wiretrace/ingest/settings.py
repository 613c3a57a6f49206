"""The settings of reading articles in (section ``ingest`` of a settings file)."""

from __future__ import annotations

from dataclasses import dataclass

from wiretrace.settings import Bounds, Settings


@dataclass(frozen=True, slots=True)
class IngestSettings(Settings):
    SECTION = "ingest"
    BOUNDS = {"max_chars": Bounds(1)}  # 0 or less cut every article to nothing: all "empty file"

    #: Articles longer than this (characters) are cut to it, with a note in the
    #: accounting; a 50 MB "article" is a crawl accident, not news.
    max_chars: int = 400_000
    #: Articles with fewer words than this after cleaning are skipped (reason given).
    min_words: int = 8
