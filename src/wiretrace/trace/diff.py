"""Per-version diffs: what each version shares with its original, rewords, drops, adds,
and has stitched in from another story.

Every passage is a paragraph of a version (or, for ``dropped``, of the text it
is compared with), located by character offsets. The kinds:

* ``shared``: aligned by the copy engine with the other text;
* ``reworded``: aligned by meaning (a rewrite), or a copy-aligned passage with
  less than ``shared_min_similarity`` of its shingles in common;
* ``dropped``: a paragraph of the other text that this version lacks;
* ``added``: a paragraph no other text of the lineage carries, about the story;
* ``stitched_in``: the same, but unlike anything else in the story: its best
  similarity to a passage of the other story members (and of the version's own
  shared text) is below ``stitched_max_story_similarity``. Removed link lines
  that name another article ("Read more: ...", "See also ...") are stitched in too,
  unless the version got them from its source (or, for the original, gave them to a
  copy). A version sharing under half of its text with the one it is compared with
  is another article reusing a passage: its added paragraphs are its own, not
  stitched in;
* ``boilerplate``: a line the cleaning stage removed (with its reason).

For the original itself the diff has no "other text": its paragraphs are
``shared`` when another version carries them and ``added`` (present only in
the original) or ``stitched_in`` when none does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypedDict

import numpy as np

from wiretrace.clean.boilerplate import line_key
from wiretrace.config import Config
from wiretrace.executor import Progress
from wiretrace.records import (
    COPY_RELATIONS,
    CleanArticle,
    DiffPassage,
    Lineage,
    Relation,
    Story,
    VersionDiff,
)
from wiretrace.story.encoder import (
    Encoder,
    RunVectors,
    VectorCache,
    calibrated,
    encode_in_steps,
)
from wiretrace.story.lexical import LexicalSpace, mean_of_views
from wiretrace.trace.lineage import RelationIndex, removed_from

#: A removed link line with at least this many words names another article.
_LINK_MIN_WORDS = 5


def version_diffs(
    lineages: Sequence[Lineage],
    articles: Mapping[str, CleanArticle],
    relations: Sequence[Relation],
    stories: Sequence[Story],
    config: Config,
    encoders: Sequence[Encoder] = (),
    cache: VectorCache | None = None,
    progress: Progress | None = None,
) -> list[VersionDiff]:
    """One diff per version of every lineage, the original first."""
    index = RelationIndex(relations)
    diffs: list[VersionDiff] = []
    for n, lineage in enumerate(lineages, start=1):
        carried = _carried(lineage.members, index)
        source_of = {d.derived: d.source for d in lineage.derivations}
        for member in lineage.members:
            diffs.append(
                _diff(articles[member], lineage, source_of, carried, index, articles, config)
            )
        if progress:
            progress("trace", n, len(lineages))
    # A version that shares under half of its text with the one it is compared with is
    # another article quoting or reusing a passage of it: the rest is its own story, added
    # but not stitched in (the shared passage is what crossed over).
    own_story = {
        d.id for d in diffs if d.against and _share_of(d.id, index.get(d.id, d.against)) < 0.5
    }
    _mark_stitched(
        [d for d in diffs if d.id not in own_story],
        articles,
        stories,
        lineages,
        config,
        encoders,
        cache,
        progress,
    )
    _name_donors(diffs, relations)
    for diff in diffs:  # text order; a removed line before the paragraph it preceded
        diff.passages.sort(key=lambda p: (p.side != "version", p.start or 0, p.text is None))
    return diffs


def _share_of(version: str, relation: Relation | None) -> float:
    """Share of ``version``'s words inside the passages ``relation`` aligns (0 without one)."""
    if relation is None:
        return 0.0
    return relation.coverage_a if relation.a == version else relation.coverage_b


def _name_donors(diffs: Sequence[VersionDiff], relations: Sequence[Relation]) -> None:
    """Say where stitched-in paragraphs came from when a copy relation shows it."""
    wanted = {
        (d.id, p.paragraph): p
        for d in diffs
        for p in d.passages
        if p.kind == "stitched_in" and p.paragraph is not None
    }
    if not wanted:
        return
    for r in relations:
        if r.relation not in COPY_RELATIONS:
            continue
        for e in r.evidence:
            for mine, other, j in ((r.a, r.b, e.b_paragraph), (r.b, r.a, e.a_paragraph)):
                i = e.a_paragraph if mine == r.a else e.b_paragraph
                p = wanted.get((mine, i))
                if p is not None and other not in p.found_in and p.from_article is None:
                    p.from_article, p.from_paragraph = other, j


def _carried(members: Sequence[str], index: RelationIndex) -> dict[tuple[str, int], set[str]]:
    """(article, paragraph) -> the other versions with a passage aligned to it."""
    carried: dict[tuple[str, int], set[str]] = {}
    for k, x in enumerate(members):
        for y in members[k + 1 :]:
            r = index.get(x, y)
            if r is None:
                continue
            for e in r.evidence:
                carried.setdefault((r.a, e.a_paragraph), set()).add(r.b)
                carried.setdefault((r.b, e.b_paragraph), set()).add(r.a)
    return carried


class _Span(TypedDict):
    """Where a paragraph of the version is, and the versions that carry it too."""

    start: int
    end: int
    paragraph: int
    found_in: list[str]


def _diff(
    version: CleanArticle,
    lineage: Lineage,
    source_of: Mapping[str, str],
    carried: Mapping[tuple[str, int], set[str]],
    index: RelationIndex,
    articles: Mapping[str, CleanArticle],
    config: Config,
) -> VersionDiff:
    starts = version.paragraph_starts()

    def found_in(i: int) -> list[str]:
        return sorted(carried.get((version.id, i), ()))

    passages: list[DiffPassage] = []
    against: str | None = None
    relation: Relation | None = None
    matched: dict[int, tuple[int, float]] = {}
    if version.id != lineage.original:
        against = (
            lineage.original
            if index.get(version.id, lineage.original)
            else source_of.get(version.id)
        )
        relation = index.get(version.id, against) if against else None
    if relation is not None:
        mine, theirs = ("a", "b") if relation.a == version.id else ("b", "a")
        for e in relation.evidence:
            i, j = getattr(e, f"{mine}_paragraph"), getattr(e, f"{theirs}_paragraph")
            if i not in matched or e.similarity > matched[i][1]:
                matched[i] = (j, e.similarity)
    copy_like = relation is not None and relation.relation in COPY_RELATIONS
    for i, para in enumerate(version.paragraphs):
        span: _Span = dict(
            start=starts[i], end=starts[i] + len(para), paragraph=i, found_in=found_in(i)
        )
        if i in matched:
            j, sim = matched[i]
            kind = (
                "shared" if copy_like and sim >= config.trace.shared_min_similarity else "reworded"
            )
            passages.append(DiffPassage(kind, "version", match=j, similarity=sim, **span))
        elif against is None and span["found_in"]:  # the original: carried by other versions
            passages.append(DiffPassage("shared", "version", **span))
        elif (why := removed_from(para, articles.get(against) if against else None)) is not None:
            passages.append(DiffPassage("boilerplate", "version", reason=why, **span))
        else:
            passages.append(DiffPassage("added", "version", **span))
    if against is not None and against in articles:
        other = articles[against]
        taken = {j for j, _ in matched.values()}
        if relation is not None:  # paragraphs merged into one matched paragraph are taken too
            side = "b" if relation.a == version.id else "a"
            taken |= {getattr(e, f"{side}_paragraph") for e in relation.evidence}
        other_starts = other.paragraph_starts()
        for j, para in enumerate(other.paragraphs):
            if j not in taken:
                passages.append(
                    DiffPassage(
                        "dropped",
                        "against",
                        other_starts[j],
                        other_starts[j] + len(para),
                        paragraph=j,
                        found_in=sorted(carried.get((against, j), ())),
                    )
                )
    # A link line the version's source holds too came with the text: it is not stitched in.
    # The original has no source: a link line its copies carry is one it gave them.
    givers = (
        [against]
        if against is not None and against in articles
        else [m for m in lineage.members if m != version.id]
    )
    inherited = [x for m in givers if m in articles for x in articles[m].removed]
    for k, (line, reason) in enumerate(zip(version.removed, version.removed_reasons, strict=True)):
        at = version.removed_offset(k)
        link = (
            reason == "link line"
            and len(line.split()) >= _LINK_MIN_WORDS
            and not _inherited(line, inherited)
        )
        passages.append(
            DiffPassage(
                "stitched_in" if link else "boilerplate",
                "version",
                at,
                at,
                text=line,
                reason="link to another article" if link else reason,
            )
        )
    return VersionDiff(
        version.id, lineage.original, against, relation.relation if relation else None, passages
    )


def _inherited(line: str, given: Sequence[str]) -> bool:
    """Whether a removed line is one of ``given`` (removed lines of the versions it came
    from), or holds one whole: a reflowed copy joins a link line to the paragraph after it."""
    key, text = line_key(line), " ".join(line.lower().split())
    return any(
        line_key(g) == key
        or (len(g.split()) >= _LINK_MIN_WORDS and " ".join(g.lower().split()) in text)
        for g in given
    )


#: An added paragraph to score: its passage, its key (article, paragraph) and its context's.
_Query = tuple[DiffPassage, tuple[str, int], list[tuple[str, int]]]
#: ... one not shown on its story by the word views, with its story's scorer.
_Undecided = tuple[DiffPassage, tuple[str, int], list[tuple[str, int]], "_ParagraphScorer"]


def _mark_stitched(
    diffs: Sequence[VersionDiff],
    articles: Mapping[str, CleanArticle],
    stories: Sequence[Story],
    lineages: Sequence[Lineage],
    config: Config,
    encoders: Sequence[Encoder],
    cache: VectorCache | None,
    progress: Progress | None = None,
) -> None:
    """Turn ``added`` passages that are unlike the rest of their story into ``stitched_in``.

    Each story's paragraphs are scored in a space of their own (the lexical views fitted on
    the story's paragraphs involved): a story's diffs are then the same whichever other
    stories a run traces with it (a run over a store traces only those it touched; Spark
    traces stories in separate tasks)."""
    story_members: dict[str | None, list[str]] = {s.story: s.members for s in stories}
    lineage_of = {m: g for g in lineages for m in g.members}
    by_story: dict[str, list[_Query]] = {}
    for diff in diffs:
        added = [p for p in diff.passages if p.kind == "added"]
        if not added:
            continue
        lineage = lineage_of[diff.id]
        version = articles[diff.id]
        others = [m for m in story_members.get(lineage.story, lineage.members) if m != diff.id]
        # Fellow versions first: they are the story text most like this one.
        others.sort(key=lambda m: m not in lineage.members)
        others = others[: config.trace.context_articles]
        # Added, shared and reworded passages are paragraphs (removed lines have none).
        own = [
            (diff.id, p.paragraph)
            for p in diff.passages
            if p.side == "version" and p.kind in ("shared", "reworded") and p.paragraph is not None
        ]
        for p in added:
            carriers = set(p.found_in)
            context = own + [
                (m, j)
                for m in others
                if m not in carriers
                for j in range(len(articles[m].paragraphs))
            ]
            if context and p.paragraph is not None:
                story = lineage.story or f"lineage:{lineage.members[0]}"
                by_story.setdefault(story, []).append((p, (version.id, p.paragraph), context))
    threshold = config.trace.stitched_max_story_similarity
    undecided: list[_Undecided] = []
    for queries in by_story.values():
        keys = {q[1] for q in queries} | {c for q in queries for c in q[2]}
        scorer = _ParagraphScorer(articles, keys, len(encoders))
        for passage, query, context in queries:
            # The lexical views alone bound the score from below (encoder views count 0):
            # most added paragraphs are plainly on the story and need no embedding.
            lexical = scorer.similarity(query, context)
            passage.story_similarity = round(float(lexical.max()), 3)
            if passage.story_similarity < threshold:
                # Lexically closest first: the passages most likely to show it on the story.
                order = np.argsort(-lexical, kind="stable")
                undecided.append((passage, query, [context[k] for k in order], scorer))
    if encoders and undecided:
        _rescue_by_meaning(undecided, threshold, articles, encoders, cache, progress)
    for passage, _, _, _ in undecided:
        passage.kind = "stitched_in"


#: Context passages embedded per undecided paragraph in each round of
#: :func:`_rescue_by_meaning` (the last round takes all the rest).
_RESCUE_ROUNDS = (4, 32)


def _rescue_by_meaning(
    undecided: list[_Undecided],
    threshold: float,
    articles: Mapping[str, CleanArticle],
    encoders: Sequence[Encoder],
    cache: VectorCache | None,
    progress: Progress | None,
) -> None:
    """Drop from ``undecided`` each paragraph some context passage (lexically closest
    first) reaches ``threshold`` with, once embedded.

    Embedding the whole context of every lexically undecided paragraph was most of the
    trace stage; but an added paragraph on the story is nearly always shown so by one of
    the passages closest to it in words. So the context is embedded in rounds, all
    paragraphs' next passages in one batch, and a paragraph leaves once rescued. One
    rescued, or compared with its whole context, ends as it would with everything
    embedded; its ``story_similarity`` is the best score among the passages embedded."""
    cache = cache if cache is not None else RunVectors()  # the stories share each round's batch
    start = 0
    for stop in (*_RESCUE_ROUNDS, None):
        if not undecided:
            return
        wanted: dict[_ParagraphScorer, set[tuple[str, int]]] = {}
        for _, query, context, scorer in undecided:
            wanted.setdefault(scorer, set()).update([query, *context[start:stop]])
        # One batch for every story's paragraphs (the encoder's workers, full batches);
        # each story's scorer then reads its own from the cache.
        texts = sorted({articles[a].paragraphs[i] for keys in wanted.values() for a, i in keys})
        for e in encoders:
            encode_in_steps(e, texts, cache, progress, f"trace embed ({e.name})")
        for scorer, keys in wanted.items():
            scorer.embed(keys, articles, encoders, cache)
        still = []
        for passage, query, context, scorer in undecided:
            seen = context[:stop]
            best = float(scorer.similarity(query, seen).max())
            passage.story_similarity = round(max(best, passage.story_similarity or 0.0), 3)
            if best < threshold:
                still.append((passage, query, context, scorer))
        undecided[:] = still
        start = stop or 0


class _ParagraphScorer:
    """Paragraph similarity as in the story stage: the mean of the lexical views (fitted on
    the paragraphs involved) and each encoder's calibrated cosine. Paragraphs not yet
    embedded count 0 in the encoder views, which makes the score a lower bound."""

    def __init__(
        self, articles: Mapping[str, CleanArticle], keys: set[tuple[str, int]], n_encoders: int
    ):
        self.row = {k: n for n, k in enumerate(sorted(keys))}
        self.lexical = LexicalSpace([articles[a].paragraphs[i] for a, i in sorted(keys)])
        self.n_encoders = n_encoders
        #: Each encoder's floor and vectors (rows not embedded yet are 0), once it has some.
        self.embeddings: list[tuple[float, np.ndarray]] = []
        self.embedded = np.zeros(len(self.row), dtype=bool)

    def embed(
        self,
        keys: set[tuple[str, int]],
        articles: Mapping[str, CleanArticle],
        encoders: Sequence[Encoder],
        cache: VectorCache | None,
        progress: Progress | None = None,
    ) -> None:
        """Embed those paragraphs of ``keys`` that no earlier call embedded."""
        order = [k for k in sorted(keys) if not self.embedded[self.row[k]]]
        if not order:
            return
        rows = np.array([self.row[k] for k in order])
        texts = [articles[a].paragraphs[i] for a, i in order]
        for n, e in enumerate(encoders):
            got = encode_in_steps(e, texts, cache, progress, f"trace embed ({e.name})")
            if n == len(self.embeddings):
                self.embeddings.append(
                    (e.floor, np.zeros((len(self.row), got.shape[1]), dtype=np.float32))
                )
            self.embeddings[n][1][rows] = got
        self.embedded[rows] = True

    def similarity(self, query: tuple[str, int], context: list[tuple[str, int]]) -> np.ndarray:
        j = np.array([self.row[c] for c in context])
        i = np.full(len(j), self.row[query])
        total, count = self.lexical.pair_sums(i, j)
        count = count + self.n_encoders
        both = self.embedded[j] & self.embedded[i[0]]
        for floor, vectors in self.embeddings:
            total = total + calibrated(vectors[j] @ vectors[i[0]], floor) * both
        return mean_of_views(total, count)
