"""The settings of cleaning (section ``clean`` of a settings file): what is learned as an
outlet's boilerplate and its recurring blocks."""

from __future__ import annotations

from dataclasses import dataclass

from wiretrace.settings import Bounds, Settings


@dataclass(frozen=True, slots=True)
class CleanSettings(Settings):
    SECTION = "clean"
    BOUNDS = {"boilerplate_min_df": Bounds(2)}  # a line in one article recurs nowhere

    #: A line must recur in at least this many articles to be learned as boilerplate.
    boilerplate_min_df: int = 3
    #: ... and the sampled articles sharing it must be that many different stories: two
    #: of them are one story when the containment between them, besides the recurring
    #: lines, reaches this.
    boilerplate_max_story_overlap: float = 0.2
    #: A block of one outlet (wiretrace.clean.outlet_blocks) is a run of paragraphs of at
    #: least this many words: shorter recurring lines are headings, bylines and stock
    #: sentences ("X did not immediately respond to a request for comment.", 10 words).
    outlet_block_min_words: int = 12
    #: ... shared by two articles of the outlet whose other names and numbers overlap less
    #: than this (share of the smaller set): at or above it they report one story, and the
    #: paragraphs they share are its background, not a block (see the module doc).
    outlet_block_max_name_overlap: float = 0.3
