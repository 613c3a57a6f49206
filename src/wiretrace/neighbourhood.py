"""What a run reads of the store around its new articles, and what it gives back.

A run over a store does not recompute the store. Its new articles can change only:

* the copy families linked to them by copy relations (directly or through stored
  articles): :meth:`Neighbourhood.families` recomputes the connected part of the
  copy graph they are in, and nothing else;
* the stories near them in time: the stored articles published within
  ``story.horizon_days`` of a new article (an index on the publication day), the
  stored members of the families they joined, and, for undated new articles, the
  ``story.undated_context`` latest stored undated articles (undated articles have no
  horizon: this is the bound). These come with their stories, which they keep; the
  new articles join one of them or start new ones (:meth:`Neighbourhood.story_context`);
* the lineages and diffs of the stories they joined: only the lineages holding a new
  article or a changed family are traced again (:meth:`Neighbourhood.trace_inputs`).

So a run costs in proportion to its new articles and the stories within their horizon,
not to the size of the store. Without a store, the neighbourhood is the run itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from wiretrace.cluster import copy_families
from wiretrace.codec import family_from_row
from wiretrace.config import Config
from wiretrace.records import CleanArticle, CopyFamily, Relation, Story, timestamp
from wiretrace.shelf import ArticleLookup
from wiretrace.store import Store, article_day


@dataclass
class StoryContext:
    """The articles a story stage compares: stored ones near the new ones (with their
    stories), then the new ones; and the copy relations among them."""

    articles: list[CleanArticle]
    known: dict[str, str]
    copy_relations: list[Relation]


@dataclass
class TraceInputs:
    """Everything the trace of the touched stories reads."""

    articles: list[CleanArticle]
    relations: list[Relation]
    families: list[CopyFamily]
    stories: list[Story]
    #: The articles whose lineages are traced again: new ones and members of changed
    #: families (None: all).
    changed: set[str] | None = None
    #: Stored lineages these replace, and their members (whose diffs go with them).
    lineages_replaced: list[str] = field(default_factory=list)
    diffs_replaced: list[str] = field(default_factory=list)


class Neighbourhood:
    """The new articles of a run, and what they touch in the store (if any)."""

    def __init__(self, new_ids: list[str], lookup: ArticleLookup, store: Store | None):
        self.new_ids = new_ids
        self.new = set(new_ids)
        self.lookup = lookup
        self.store = store
        #: Stored families that the run's families replace.
        self.families_replaced: list[str] = []

    # -- families ----------------------------------------------------------------
    def families(
        self, new_relations: list[Relation], words: dict[str, int], relate, config: Config
    ) -> tuple[list[CopyFamily], list[Relation]]:
        """The families the new articles are in (or change), and the copy relations of
        their connected part of the copy graph."""
        if self.store is None:
            return (
                copy_families(
                    self.lookup.ids,
                    new_relations,
                    words,
                    relate,
                    config.cluster.family_min_coverage,
                ),
                new_relations,
            )
        linked = {x for r in new_relations for x in (r.a, r.b)} - self.new
        component = self.store.copy_component(linked) if linked else set()
        relations = self.store.relations_among(component) + new_relations
        ids = [i for i in self.lookup.ids if i in component or i in self.new]
        families = copy_families(ids, relations, words, relate, config.cluster.family_min_coverage)
        self.families_replaced = sorted(self.store.families_of(component)) if component else []
        return families, relations

    # -- stories -----------------------------------------------------------------
    def story_context(
        self, families: Sequence[CopyFamily], copy_relations: list[Relation], config: Config
    ) -> StoryContext:
        """The stored articles the new ones may share a story with (see the module doc)."""
        new_articles = self.lookup.many(self.new_ids)
        if self.store is None:
            return StoryContext([new_articles[i] for i in self.new_ids], {}, copy_relations)
        days = [d for a in new_articles.values() if (d := article_day(a.published)) is not None]
        undated = len(days) < len(new_articles)
        known = self.store.stories_near(
            days, config.story.horizon_days, config.story.undated_context if undated else 0
        )
        in_families = {m for f in families for m in f.members if m not in self.new}
        known.update(self.store.story_of(in_families - known.keys()))
        stored = self.store.in_store_order(known)
        context = self.lookup.many(stored)
        pairs = {frozenset((r.a, r.b)) for r in copy_relations}
        relations = copy_relations + [
            r for r in self.store.relations_among(stored) if frozenset((r.a, r.b)) not in pairs
        ]
        return StoryContext(
            [context[i] for i in stored] + [new_articles[i] for i in self.new_ids],
            {i: known[i] for i in stored},
            relations,
        )

    def whole_stories(self, stories: list[Story], families: Sequence[CopyFamily]) -> list[Story]:
        """The touched stories with all their members: the stored ones too."""
        if self.store is None:
            return stories
        stored = self.store.stories_named([s.story for s in stories])
        family_of = {m: f.family for f in families for m in f.members}
        whole = []
        for story in stories:
            members = list(
                dict.fromkeys(stored.get(story.story, {}).get("members", []) + story.members)
            )
            articles = self.lookup.many(members)
            members.sort(key=lambda i: _time_key(articles[i]))
            stored_families = set(stored.get(story.story, {}).get("families", []))
            stored_families -= set(self.families_replaced)
            fams = sorted(stored_families | {family_of[m] for m in members if m in family_of})
            whole.append(Story(story.story, members, fams))
        whole.sort(key=lambda s: (-len(s.members), s.story))
        return whole

    # -- trace -------------------------------------------------------------------
    def trace_inputs(
        self, stories: list[Story], families: list[CopyFamily], relations: list[Relation]
    ) -> TraceInputs:
        """What the trace of the touched stories reads: their members, the relations and
        families among them (stored and new)."""
        members = [m for s in stories for m in s.members]
        if self.store is None:
            return TraceInputs(
                list(self.lookup.many(members).values()), relations, families, stories
            )
        new_names = {f.family for f in families}
        stored_families = [
            family_from_row(f)
            for name, f in self.store.families_of(members).items()
            if name not in self.families_replaced and name not in new_names
        ]
        changed = self.new | {m for f in families for m in f.members}
        # A family joined by a new article may span stories (its stored members keep theirs):
        # its lineage reads every member.
        members = list(
            dict.fromkeys(members + [m for f in families + stored_families for m in f.members])
        )
        articles = self.lookup.many(members)
        fresh = {frozenset((r.a, r.b)) for r in relations}
        stored_relations = [
            r
            for table in ("relations", "story_relations")
            for r in self.store.relations_among(members, table)
            if frozenset((r.a, r.b)) not in fresh
        ]
        old = self.store.lineages_of_stories([s.story for s in stories])
        replaced = [g for g in old if changed & set(g["members"])]
        return TraceInputs(
            list(articles.values()),
            relations + stored_relations,
            families + stored_families,
            stories,
            changed,
            [g["lineage"] for g in replaced],
            sorted({m for g in replaced for m in g["members"]}),
        )


def _time_key(article: CleanArticle) -> tuple:
    t = timestamp(article.published)
    return (t is None, t or 0.0)
