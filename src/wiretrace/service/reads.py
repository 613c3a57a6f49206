"""What the service answers from the store, read-only: an article, a page of stories, a
story, and the live report's data.

Every answer is read from one read-only connection (:class:`StoreReader`, one per
request): SQLite's WAL lets it read the last committed state while the engine writes, so
a reader never waits for a run and never sees half of one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from wiretrace import codec
from wiretrace.records import CleanArticle
from wiretrace.report.outputs import Outputs
from wiretrace.store import Store


def iso_day(day: float | None) -> str | None:
    """A stored publication day (days since the epoch) as an ISO 8601 UTC time."""
    if day is None:
        return None
    return datetime.fromtimestamp(day * 86400.0, tz=UTC).isoformat()


class StoreReader:
    """Read-only views of one store for the service's answers."""

    def __init__(self, db: str | Path):
        self.store = Store(db, read_only=True)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> StoreReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- articles ---------------------------------------------------------------
    def placement(self, article_id: str) -> dict:
        """Where a stored article stands: its family, story, original (the first version
        of its lineage, when it has one) and every stored relation it is in, with evidence.
        """
        store = self.store
        story = store.story_of([article_id]).get(article_id)
        family = next(iter(store.families_of([article_id])), None)
        lineage = None
        if story is not None:
            lineage = next(
                (g for g in store.lineages_of_stories([story]) if article_id in g["members"]),
                None,
            )
        return {
            "family": family,
            "story": story,
            "lineage": lineage["lineage"] if lineage else None,
            "original": lineage["original"] if lineage else None,
            "original_reason": lineage["original_reason"] if lineage else None,
            "relations": [codec.row(r) for r in store.relations_of(article_id)],
        }

    def article(self, article_id: str) -> dict | None:
        """The stored article as a line of articles.jsonl, its placement and its diff;
        None when no article has that id."""
        found = self.store.articles_by_id([article_id]).get(article_id)
        if found is None:
            return None
        placed = self.placement(article_id)
        row = codec.article_table_row(
            found, {article_id: placed["family"]}, {article_id: placed["story"]}
        )
        diff = self.store.diffs_of([article_id]).get(article_id)
        return {"article": row, **placed, "diff": diff}

    # -- stories ----------------------------------------------------------------
    def stories(
        self,
        page: int = 1,
        per_page: int = 20,
        text: str | None = None,
        source: str | None = None,
        since: float | None = None,
        until: float | None = None,
    ) -> dict:
        """A page of stories, newest first, each with its size, time span, title (of its
        first member) and sources."""
        total, rows = self.store.story_page(
            per_page, (page - 1) * per_page, text, source, since, until
        )
        named = self.store.stories_named([r[0] for r in rows])
        members = {name: named[name]["members"] for name, *_ in rows if name in named}
        articles = self.store.articles_by_id(m for ms in members.values() for m in ms)
        out = []
        for name, first, last, size in rows:
            mine = [articles[m] for m in members.get(name, []) if m in articles]
            out.append(
                {
                    "story": name,
                    "size": size,
                    "title": mine[0].title if mine else "",
                    "first": iso_day(first),
                    "last": iso_day(last),
                    "sources": sorted({a.source for a in mine if a.source}),
                }
            )
        return {"total": total, "page": page, "per_page": per_page, "stories": out}

    def story(self, name: str) -> dict | None:
        """A stored story whole: its members (as lines of articles.jsonl), the relations
        among them, its lineages and the diffs of their versions; None if unknown."""
        row = self.store.stories_named([name]).get(name)
        if row is None:
            return None
        members = row["members"]
        articles = self.store.articles_by_id(members)
        family_of = {
            m: f for f, fam in self.store.families_of(members).items() for m in fam["members"]
        }
        return {
            "story": name,
            "members": [
                codec.article_table_row(articles[m], family_of, {m: name})
                for m in members
                if m in articles
            ],
            "families": row.get("families", []),
            "relations": [
                codec.row(r)
                for table in ("relations", "story_relations")
                for r in self.store.relations_among(members, table)
            ],
            "lineages": self.store.lineages_of_stories([name]),
            "diffs": list(self.store.diffs_of(members).values()),
        }

    def outputs(self, names: list[str]) -> Outputs:
        """The stories ``names`` as a run's outputs, for the report's page: with every
        relation of their members, and the articles at the far end of those that reach
        another story (in ``articles``, not in ``stories``), so each has its side-by-side
        view."""
        rows = self.store.stories_named(names)
        stories = [rows[n] for n in names if n in rows]
        members = [m for s in stories for m in s["members"]]
        relations = [
            r
            for table in ("relations", "story_relations")
            for r in self.store.relations_touching(members, table)
        ]
        linked = {x for r in relations for x in (r.a, r.b)}.difference(members)
        articles: dict[str, CleanArticle] = self.store.articles_by_id([*members, *sorted(linked)])
        families = self.store.families_of(members)
        family_of = {m: f for f, fam in families.items() for m in fam["members"]}
        story_of = {m: s["story"] for s in stories for m in s["members"]}
        story_of.update(self.store.story_of(sorted(linked)))
        return Outputs(
            articles={
                m: codec.article_table_row(articles[m], family_of, story_of)
                for m in [*members, *sorted(linked)]
                if m in articles
            },
            relations=[codec.row(r) for r in relations],
            families=list(families.values()),
            stories=stories,
            lineages=self.store.lineages_of_stories(names),
            diffs=self.store.diffs_of(members),
        )
