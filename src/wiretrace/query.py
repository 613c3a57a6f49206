"""``wiretrace query``: have we seen this? The run's engine over a store opened read-only.

The queried articles go through the same stages as a run's new articles, and nothing is
written. An article whose id is already stored is compared as ``query:<id>``: renamed
as it is read, before the run, so the run never sees two articles with one id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wiretrace import codec
from wiretrace.accounting import Accounting
from wiretrace.config import Config
from wiretrace.executor import Progress
from wiretrace.ingest import read_inputs
from wiretrace.pipeline import run_records
from wiretrace.records import WHOLE_COPY_RELATIONS, Article, Relation, Skipped
from wiretrace.store import Store
from wiretrace.story.encoder import Encoder


@dataclass
class QueryAnswer:
    """What the store knows of one queried article."""

    id: str
    #: A stored article is the same text or a copy of it (duplicate or copy relation).
    seen: bool
    #: The stored story it belongs with, if any.
    story: str | None
    relations: list[Relation]
    #: The stored copy family it would join, if any.
    family: str | None = None
    #: The first version of the lineage it would be in (itself when it is the earliest).
    original: str | None = None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "seen": self.seen,
            "story": self.story,
            "family": self.family,
            "original": self.original,
            "relations": [codec.row(r) for r in self.relations],
        }


def query(
    inputs: Iterable[str | Path],
    db: str | Path,
    config: Config | None = None,
    progress: Progress | None = None,
) -> tuple[list[QueryAnswer], Accounting]:
    """ "Have we seen this?": each article's relations to the stored ones. The store is
    opened read-only and left as it was."""
    config = config or Config()
    return query_records(read_inputs(inputs, config.ingest.max_chars), db, config, progress)


def query_records(
    records: Iterable[Article | Skipped],
    db: str | Path,
    config: Config | None = None,
    progress: Progress | None = None,
    encoders: list[Encoder] | None = None,
    accounting: Accounting | None = None,
) -> tuple[list[QueryAnswer], Accounting]:
    """:func:`query` over records already read (the service's ``POST /v1/query``);
    ``accounting`` as :func:`~wiretrace.pipeline.run_records` takes it."""
    config = config or Config()
    with Store(db, read_only=True) as store:
        stored = set(store.content_hashes())
    records = (_renamed(r, stored) for r in records)
    result = run_records(
        records, config, db, progress, read_only=True, encoders=encoders, accounting=accounting
    )
    story_of, family_of = result.story_of(), result.family_of()
    members = {s.story: s.members for s in result.stories}
    members.update((f.family, f.members) for f in result.families)
    original = {m: g.original for g in result.lineages for m in g.members}

    def stored_one(group: str | None) -> str | None:
        """The group, when it holds a stored article (else it exists only in this query)."""
        return group if group and any(m in stored for m in members.get(group, ())) else None

    answers = []
    for article in result.articles:
        if article.id in stored:
            continue  # a stored member of a story or family the query touched
        rels = [
            r
            for r in result.relations
            if article.id in (r.a, r.b) and ({r.a, r.b} - {article.id}) <= stored
        ]
        seen = any(r.relation in WHOLE_COPY_RELATIONS for r in rels)
        answers.append(
            QueryAnswer(
                article.id,
                seen,
                stored_one(story_of.get(article.id)),
                rels,
                stored_one(family_of.get(article.id)),
                original.get(article.id),
            )
        )
    return answers, result.accounting


def _renamed(record: Article | Skipped, stored: set[str]) -> Article | Skipped:
    if isinstance(record, Article) and record.id in stored:
        record.id = f"query:{record.id}"
    return record
