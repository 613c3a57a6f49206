"""Records as the rows they are written as, and back.

Every record wiretrace keeps outlives the run that made it: as a line of an output table
(relations.jsonl, families.jsonl, ...), an answer of the API, or a row of the store and
the run's shelf, read back by a later run. This module is the one place that turns
records into those rows and rows back into records, so that a field added to a record
reaches every file and table at once, and a row written by one path reads back through
the same code as a row written by another.

A record's row is its fields by name, nested records as rows too, in plain values
(:func:`dataclasses.asdict`, a relation kind as its string); JSON bytes are orjson's.
Rows of output tables that gather more than one record (an article with its family and
story, a family with its original) are made here as well. Reading a row that is not the
record it should be raises :class:`~wiretrace.errors.DamagedRecord` saying which record
and why: a damaged store is told, not met as a traceback in a later stage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, TypeVar

import orjson

from wiretrace.errors import DamagedRecord
from wiretrace.records import (
    AlignedPassage,
    CleanArticle,
    CopyFamily,
    Derivation,
    DiffPassage,
    Lineage,
    Relation,
    RelationKind,
    Story,
    VersionDiff,
)

if TYPE_CHECKING:  # for the annotations only: the codec imports no stage
    from wiretrace.candidates import CandidateStats
    from wiretrace.steps import StepStats

#: The records that are written as rows.
Record = (
    CleanArticle
    | Relation
    | AlignedPassage
    | CopyFamily
    | Story
    | Lineage
    | Derivation
    | VersionDiff
    | DiffPassage
)

R = TypeVar("R")


# -- records to rows -------------------------------------------------------------------------
def row(record: Record) -> dict:
    """The row of ``record``: its fields by name, nested records as rows too, and plain
    values only: a relation kind is its string, as it would read back from JSON (a row
    goes on to code that counts by kind and to orjson, which takes only plain strings as
    keys)."""
    return asdict(record, dict_factory=_plain)


def _plain(items: list[tuple[str, object]]) -> dict:
    return {k: v.value if isinstance(v, RelationKind) else v for k, v in items}


def dumps(value: dict) -> bytes:
    """The JSON bytes of a row, as the store and the shelf hold it."""
    return orjson.dumps(value)


def encode(record: Record) -> bytes:
    """The JSON bytes of a record's row: a row of the store or the shelf."""
    return dumps(row(record))


def relation_counts(relations: Iterable[Relation]) -> dict[str, int]:
    """Relations by kind, in the order the kinds first occur (report.json's ``relations``).
    The keys are the kinds' plain values: orjson writes only plain strings as keys."""
    return {kind.value: n for kind, n in Counter(r.relation for r in relations).items()}


def run_counts(
    articles_new: int,
    candidates: CandidateStats,
    relations: Sequence[Relation],
    families: Sequence[CopyFamily],
    steps: StepStats,
) -> dict:
    """The counts every engine's report.json gives (each engine adds its own after them)."""
    return {
        "articles_new": articles_new,
        "candidate_pairs": candidates.pairs,
        "capped_buckets": candidates.capped_buckets,
        "relations": relation_counts(relations),
        "families": len(families),
        "articles_in_families": sum(len(f.members) for f in families),
        "steps": steps.to_dict(),
    }


def article_table_row(
    article: CleanArticle, family_of: dict[str, str], story_of: dict[str, str]
) -> dict:
    """One line of articles.jsonl: the article's fields a reader needs, its family and its
    story (the store's row of an article, :func:`encode`, holds all of them, and no
    family or story: those change with every run)."""
    a = article
    return {
        "id": a.id,
        "title": a.title,
        "url": a.url,
        "source": a.source,
        "published": a.published,
        "byline": a.byline,
        "fetched": a.fetched,
        "canonical": a.canonical,
        "family": family_of.get(a.id),
        "story": story_of.get(a.id),
        "paragraphs": a.paragraphs,
        "removed": a.removed,
        "removed_reasons": a.removed_reasons,
        "removed_at": a.removed_at,
        "origin": a.origin,
        "short": a.short,
        "notes": a.notes,
    }


def family_row(family: CopyFamily, lineage: Lineage | None) -> dict:
    """A line of families.jsonl: a family with its original, the lineage's when that is one
    of the family's members (a lineage of two families joined by a rewrite has one
    original for both)."""
    out = row(family)
    if lineage is None:
        out.update(original=None, original_reason=None, original_certain=None, lineage=None)
    elif lineage.original in family.members:
        out.update(
            original=lineage.original,
            original_reason=lineage.original_reason,
            original_certain=lineage.original_certain,
            lineage=lineage.lineage,
        )
    else:
        # The family derives from another family's original: its own source is the member
        # the derivation tree reaches first.
        first = next(d for d in lineage.derivations if d.derived in family.members)
        out.update(
            original=first.derived,
            original_reason=f"derived from {first.source} ({first.relation}); "
            "first version of this family in the lineage",
            original_certain=first.certain,
            lineage=lineage.lineage,
        )
    return out


def derived_rows(
    families: Sequence[CopyFamily],
    stories: Sequence[Story],
    lineages: Sequence[Lineage],
    diffs: Sequence[VersionDiff],
) -> dict[str, list[dict]]:
    """The derived state as the rows of families/stories/lineages/diffs.jsonl (and of the
    store's tables of the same names)."""
    lineage_of = {f: g for g in lineages for f in g.families}
    return {
        "families": [family_row(f, lineage_of.get(f.family)) for f in families],
        "stories": [row(s) for s in stories],
        "lineages": [row(g) for g in lineages],
        "diffs": [row(d) for d in diffs],
    }


# -- rows to records -------------------------------------------------------------------------
def decode(data: bytes, what: str) -> dict:
    """The row held as JSON bytes (``what`` names the record for the message)."""
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DamagedRecord(f"a stored {what} is damaged (not JSON: {exc})") from exc
    if not isinstance(raw, dict):
        raise DamagedRecord(f"a stored {what} is damaged (not a JSON object)")
    return raw


def article_from_row(raw: dict) -> CleanArticle:
    try:
        return CleanArticle(**raw)
    except TypeError as exc:
        raise DamagedRecord(f"stored article {raw.get('id')!r} is damaged ({exc})") from exc


def article_from_record(data: bytes) -> CleanArticle:
    """The article of a row of the store or the shelf."""
    return article_from_row(decode(data, "article"))


def relation_from_row(raw: dict) -> Relation:
    return _read("relation", raw, _relation)


def relation_from_record(data: bytes) -> Relation:
    """The relation of a row of the store."""
    return relation_from_row(decode(data, "relation"))


def family_from_row(raw: dict) -> CopyFamily:
    """The family of a line of families.jsonl (its original and lineage are the lineage's)."""
    return _read("family", raw, lambda r: CopyFamily(r["family"], r["members"]))


def story_from_row(raw: dict) -> Story:
    return _read("story", raw, lambda r: Story(**r))


def lineage_from_row(raw: dict) -> Lineage:
    return _read("lineage", raw, _lineage)


def diff_from_row(raw: dict) -> VersionDiff:
    return _read("diff", raw, _diff)


def _read(what: str, raw: dict, make: Callable[[dict], R]) -> R:
    """``make(raw)``, its failures told as a damaged ``what``. ``raw`` is not changed."""
    try:
        return make(raw)
    except (TypeError, KeyError, ValueError) as exc:
        raise DamagedRecord(f"a stored {what} is damaged ({exc!r})") from exc


def _relation(raw: dict) -> Relation:
    return Relation(
        **{
            **raw,
            "relation": RelationKind(raw["relation"]),
            "evidence": [AlignedPassage(**e) for e in raw["evidence"]],
        }
    )


def _lineage(raw: dict) -> Lineage:
    derivations = [
        Derivation(**{**d, "relation": RelationKind(d["relation"])}) for d in raw["derivations"]
    ]
    return Lineage(**{**raw, "derivations": derivations})


def _diff(raw: dict) -> VersionDiff:
    kind = raw["relation"]
    return VersionDiff(
        **{
            **raw,
            "relation": None if kind is None else RelationKind(kind),
            "passages": [DiffPassage(**p) for p in raw["passages"]],
        }
    )
