"""The trace stage: originals, derivations and per-version diffs.

It runs after the story stage, on the relations, families and stories of a
run: :mod:`wiretrace.trace.lineage` groups the versions of each text and
orders them from the original (:mod:`wiretrace.trace.original`);
:mod:`wiretrace.trace.diff` says, passage by passage, what each version
shares, rewords, drops, adds, or had stitched in.
"""

from __future__ import annotations

from collections.abc import Sequence

from wiretrace.config import Config
from wiretrace.records import CleanArticle, CopyFamily, Lineage, Relation, Story, VersionDiff
from wiretrace.story.encoder import Encoder, VectorCache
from wiretrace.trace.diff import version_diffs
from wiretrace.trace.lineage import lineages
from wiretrace.trace.original import choose_original, wire_credit

__all__ = [
    "choose_original",
    "lineages",
    "trace",
    "version_diffs",
    "wire_credit",
]


def trace(
    articles: Sequence[CleanArticle],
    relations: Sequence[Relation],
    families: Sequence[CopyFamily],
    stories: Sequence[Story],
    config: Config,
    encoders: Sequence[Encoder] = (),
    cache: VectorCache | None = None,
) -> tuple[list[Lineage], list[VersionDiff]]:
    """Lineages (with original and derivations) and the diff of every version in them."""
    by_id = {a.id: a for a in articles}
    found = lineages(by_id, relations, families, stories, config.trace.margin)
    return found, version_diffs(found, by_id, relations, stories, config, encoders, cache)
