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
    "derived_rows",
    "family_row",
    "lineages",
    "trace",
    "version_diffs",
    "wire_credit",
]


def family_row(family: CopyFamily, lineage: Lineage | None) -> dict:
    """A family with its original: the lineage's, when that is one of the family's members
    (a lineage of two families joined by a rewrite has one original for both)."""
    row = family.to_dict()
    if lineage is None:
        row.update(original=None, original_reason=None, original_certain=None, lineage=None)
    elif lineage.original in family.members:
        row.update(
            original=lineage.original,
            original_reason=lineage.original_reason,
            original_certain=lineage.original_certain,
            lineage=lineage.lineage,
        )
    else:
        # The family derives from another family's original: its own source is the member
        # the derivation tree reaches first.
        first = next(d for d in lineage.derivations if d.derived in family.members)
        row.update(
            original=first.derived,
            original_reason=f"derived from {first.source} ({first.relation}); "
            "first version of this family in the lineage",
            original_certain=first.certain,
            lineage=lineage.lineage,
        )
    return row


def derived_rows(
    families: Sequence[CopyFamily],
    stories: Sequence[Story],
    lineages: Sequence[Lineage],
    diffs: Sequence[VersionDiff],
) -> dict[str, list]:
    """The derived state as the rows of families/stories/lineages/diffs.jsonl."""
    lineage_of = {f: g for g in lineages for f in g.families}
    return {
        "families": [family_row(f, lineage_of.get(f.family)) for f in families],
        "stories": [s.to_dict() for s in stories],
        "lineages": [g.to_dict() for g in lineages],
        "diffs": [d.to_dict() for d in diffs],
    }


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
    found = lineages(by_id, relations, families, stories, config.trace_margin)
    return found, version_diffs(found, by_id, relations, stories, config, encoders, cache)
