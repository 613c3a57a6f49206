"""The story stage of a run: stories, ``same_story`` and ``rewrite`` relations.

It runs after the copy engine, on its results:

1. articles are clustered into stories (:mod:`wiretrace.story.clustering`) on
   their event match (:mod:`wiretrace.story.similarity`); the members of one
   copy family always end in one story, since a reprint is the same story by
   definition (they move to the story holding most of them);
2. inside each story, every article's best-matching fellow members (match at
   least ``story.min_match``, at most ``story.max_neighbours``) not already
   related by the copy engine are checked for a rewrite: their paragraphs are
   aligned by meaning, in order (:mod:`wiretrace.story.align`); aligned
   passages covering most of both articles make a ``rewrite``, with the
   aligned pairs as evidence; otherwise the pair is ``same_story``, with the
   paragraph pairs that are each other's best match as evidence (by the word
   views alone for the pairs not close enough to be aligned: their paragraphs
   are never embedded). Every meaning-level relation carries the views its
   similarity is made of.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from wiretrace.config import Config
from wiretrace.records import (
    AlignedPassage,
    CleanArticle,
    CopyFamily,
    Relation,
    RelationKind,
    Story,
)
from wiretrace.story.align import best_matches, distinct, monotone_alignment
from wiretrace.story.blocking import Candidates, story_scores, window_matches
from wiretrace.story.clustering import cluster_stories, time_order, windows_to_cluster
from wiretrace.story.encoder import Encoder, VectorCache, calibrated, encode_in_steps
from wiretrace.story.lexical import mean_of_views
from wiretrace.story.similarity import StorySpace


def find_stories(
    articles: Sequence[CleanArticle],
    copy_relations: Sequence[Relation],
    families: Sequence[CopyFamily],
    config: Config,
    encoders: Sequence[Encoder] = (),
    cache: VectorCache | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    known: Mapping[str, str] | None = None,
) -> tuple[list[Relation], list[Story]]:
    """Meaning-level relations and the stories of ``articles``.

    ``known`` maps the articles already in a story (stored by an earlier run) to its name.
    They keep it; the others join one of those stories or start new ones. Only stories
    holding an article not in ``known`` are returned (with their members among
    ``articles``), and only the relations of pairs holding such an article.
    """
    if not articles:
        return [], []
    known = known or {}
    # Copies (duplicate, copy) share their family anchor's vector: embed what is not explained.
    same_text_as = {m: f.members[0] for f in families for m in f.members[1:]}
    published = [a.published for a in articles]
    names = sorted(set(known.values()))
    numbered = {name: k for k, name in enumerate(names)}
    initial = np.array([numbered.get(known.get(a.id, ""), -1) for a in articles], dtype=np.int64)
    candidates: Candidates | None = None

    def worth_embedding(space: StorySpace) -> np.ndarray:
        """The articles in a candidate pair (:class:`Candidates`), and those in a copy
        relation, whose similarity the relation reports."""
        nonlocal candidates
        candidates = Candidates.find(
            space,
            _windows(articles, initial, config),
            published,
            config,
            [e.name for e in encoders],
        )
        needed = candidates.articles
        index = {a.id: i for i, a in enumerate(articles)}
        needed[[index[x] for r in copy_relations for x in (r.a, r.b) if x in index]] = True
        return needed

    space = StorySpace.build(
        articles,
        config,
        encoders,
        same_text_as,
        cache,
        progress,
        embed_only=worth_embedding if config.story.blocking else None,
    )
    labels = _stories_then_short_records(
        articles, published, window_matches(space, candidates), config, initial, progress
    )
    index = {a.id: i for i, a in enumerate(articles)}
    labels = keep_families_together(labels, families, index, published, initial >= 0)
    is_new = initial < 0
    related = {frozenset((r.a, r.b)) for r in copy_relations}

    scored = [r for r in copy_relations if r.a in index and r.b in index]
    if scored:  # a reprint is the same story: at least its aligned share
        sims = space.similarity(
            np.array([index[r.a] for r in scored]), np.array([index[r.b] for r in scored])
        )
        for rel, sim in zip(scored, sims, strict=True):
            rel.similarity = round(max(float(sim), min(rel.coverage_a, rel.coverage_b)), 4)
    relations: list[Relation] = []
    stories: list[Story] = []
    family_of = {m: f.family for f in families for m in f.members}
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.r_[True, labels[order][1:] != labels[order][:-1], True])
    groups = [order[bounds[k] : bounds[k + 1]] for k in range(len(bounds) - 1)]
    groups = [g for g in groups if is_new[g].any()]
    picked: list[list[_Pair]] = []
    scores = story_scores(space, candidates)
    for members in groups:
        ids = [articles[i].id for i in members]
        if len(members) > 1:
            picked.append(_story_pairs(articles, members, is_new, scores, space, related, config))
        fams = sorted({family_of[i] for i in ids if i in family_of})
        label = int(labels[members[0]])
        stories.append(
            Story(story=names[label] if label < len(names) else "", members=ids, families=fams)
        )
    # The paragraphs of the pairs to align are embedded for all stories at once (full
    # batches, the encoder's worker processes). The pairs not aligned are same_story
    # without a look at their paragraphs; their evidence compares paragraphs by the word
    # views alone: embedding every paragraph of every story would cost more than the rest
    # of the run.
    aligned = {x for pairs in picked for p in pairs if p.aligned for x in (p.a, p.b)}
    unaligned = {x for pairs in picked for p in pairs if not p.aligned for x in (p.a, p.b)}
    passages = PassageSpace(
        [articles[i] for i in sorted(aligned)], space, encoders, cache, progress
    )
    words_only = PassageSpace([articles[i] for i in sorted(unaligned)], space, ())
    for n, pairs in enumerate(picked, start=1):
        if progress:
            progress("stories", n, len(picked))
        relations += _story_relations(articles, pairs, passages, words_only, config)
    if relations:
        views = space.pair_views(
            np.array([index[r.a] for r in relations]), np.array([index[r.b] for r in relations])
        )
        for rel, v in zip(relations, views, strict=True):
            rel.views = v
    name_stories(stories, published, index)
    return relations, stories


def name_stories(
    stories: list[Story], published: Sequence[str | None], index: Mapping[str, int]
) -> None:
    """Order each story's members in time and name the unnamed stories; largest first.

    A story is named after its first article in time (or, undated, the first one read): the
    name stays when later runs add articles to it. ``index`` is each article's position in
    input order (``published`` by it); undated articles keep input (store) order."""
    for story in stories:
        story.members.sort(
            key=lambda i: (published[index[i]] is None, published[index[i]] or "", index[i])
        )
        story.story = story.story or f"story:{story.members[0]}"
    stories.sort(key=lambda s: (-len(s.members), s.story))


def _windows(
    articles: Sequence[CleanArticle], initial: np.ndarray, config: Config
) -> list[np.ndarray]:
    """The windows :func:`_stories_then_short_records` clusters (rows of ``articles``): the
    full articles' first, when short records are set apart."""
    published = [a.published for a in articles]
    spans = windows_to_cluster(published, config.story.window, initial)
    short = np.array([a.short for a in articles], dtype=bool)
    if short.any() and not short.all():
        full = np.flatnonzero(~short)
        spans += [
            full[s]
            for s in windows_to_cluster(
                [published[i] for i in full.tolist()], config.story.window, initial[full]
            )
        ]
    return spans


def _stories_then_short_records(
    articles: Sequence[CleanArticle],
    published: Sequence[str | None],
    matches: Callable[[np.ndarray], np.ndarray],
    config: Config,
    initial: np.ndarray,
    progress: Callable[[str, int, int], None] | None = None,
) -> np.ndarray:
    """Story labels: the full articles clustered first, then the short records (headlines,
    summaries) joining their stories or starting their own.

    A headline shares few words with a report of the same event worded otherwise, so in one
    average link a few headlines would pull such a report out of its story. A short record
    joins a story when it matches the story's members on average, but never decides which
    full articles are one story."""
    short = np.array([a.short for a in articles], dtype=bool)
    if not short.any() or short.all():
        return cluster_stories(
            published,
            matches,
            config.story.min_match,
            config.story.window,
            config.story.horizon_days,
            known=initial,
            progress=progress,
        )
    full = np.flatnonzero(~short)
    labels = initial.copy()
    labels[full] = cluster_stories(
        [published[i] for i in full.tolist()],
        lambda rows: matches(full[rows]),
        config.story.min_match,
        config.story.window,
        config.story.horizon_days,
        known=initial[full],
        progress=progress,
    )
    return cluster_stories(
        published,
        matches,
        config.story.min_match,
        config.story.window,
        config.story.horizon_days,
        known=labels,
    )


def keep_families_together(
    labels: np.ndarray,
    families: Sequence[CopyFamily],
    index: dict[str, int],
    published: Sequence[str | None],
    fixed: np.ndarray | None = None,
) -> np.ndarray:
    """Each family's members join the story holding most of them (ties: the story of the
    earliest). Moving the members, not merging their stories: a text reused for years (an
    explainer updated over two years) would otherwise join two events years apart. Members
    ``fixed`` in a stored story stay there (and draw the others to it)."""
    labels = labels.copy()
    fixed = np.zeros(len(labels), dtype=bool) if fixed is None else fixed
    rank = {pos: r for r, pos in enumerate(time_order(published))}
    for family in families:
        rows = sorted((index[m] for m in family.members if m in index), key=rank.__getitem__)
        if not rows:
            continue
        counts = Counter(int(labels[r]) for r in rows)
        most = max(counts.values())
        target = next(int(labels[r]) for r in rows if counts[int(labels[r])] == most)
        labels[[r for r in rows if not fixed[r]]] = target
    return labels


@dataclass(slots=True)
class _Pair:
    """Two members of a story (rows of the articles) to relate by meaning."""

    a: int
    b: int
    similarity: float
    match: float
    #: Close enough to be aligned paragraph by paragraph (a rewrite, if they align).
    aligned: bool


def _story_pairs(
    articles,
    members: np.ndarray,
    is_new: np.ndarray,
    scores: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    space: StorySpace,
    related: set,
    config: Config,
) -> list[_Pair]:
    """Each member with its best-matching fellow members, for the pairs holding a new
    article (the stored pairs were related when they were new) and not related by the copy
    engine. ``scores`` gives the members' (similarity, match) (:func:`story_scores`)."""
    sims, match = scores(members)
    np.fill_diagonal(match, -1.0)
    chosen: set[tuple[int, int]] = set()
    k = config.story.max_neighbours
    for row in range(len(members)):
        for col in np.argsort(-match[row])[:k]:
            if match[row, col] >= config.story.min_match and (
                is_new[members[row]] or is_new[members[col]]
            ):
                chosen.add((min(row, col), max(row, col)))
    pairs = sorted(
        p
        for p in chosen
        if frozenset((articles[members[p[0]]].id, articles[members[p[1]]].id)) not in related
    )
    if not pairs:
        return []
    # A short record (a headline) has no paragraphs to align: it is never a rewrite.
    to_align = {
        p
        for p in _worth_aligning(pairs, sims, members, space, config)
        if not (articles[members[p[0]]].short or articles[members[p[1]]].short)
    }
    return [
        _Pair(
            int(members[r]),
            int(members[c]),
            float(sims[r, c]),
            float(match[r, c]),
            (r, c) in to_align,
        )
        for r, c in pairs
    ]


def _story_relations(
    articles,
    pairs: list[_Pair],
    passages: PassageSpace,
    words_only: PassageSpace,
    config: Config,
) -> list[Relation]:
    """The relation of each pair of one story: a rewrite or same_story, by their
    paragraphs (``passages``, embedded) when aligned, else same_story (``words_only``)."""
    aligned = passages.among([articles[x] for p in pairs if p.aligned for x in (p.a, p.b)])
    unaligned = words_only.among([articles[x] for p in pairs if not p.aligned for x in (p.a, p.b)])
    out = []
    for p in pairs:
        a, b = articles[p.a], articles[p.b]
        if p.aligned:
            out.append(meaning_relation(a, b, p.similarity, aligned, config))
        else:
            out.append(same_story(a, b, p.similarity, unaligned, config))
        out[-1].match = round(p.match, 4)
    return out


def _worth_aligning(
    pairs, sims: np.ndarray, members: np.ndarray, space: StorySpace, config: Config
) -> set[tuple[int, int]]:
    """Pairs to align paragraph by paragraph. Embedding paragraphs costs the most, and
    independent reports of one story in one language are alike as wholes too; so pairs
    sharing words (one language) must be closer than pairs that do not (a translation)."""
    close = [p for p in pairs if sims[p] >= config.story.rewrite_min_story_similarity]
    if not close:
        return set()
    rows = np.array([members[p[0]] for p in close], dtype=np.int64)
    cols = np.array([members[p[1]] for p in close], dtype=np.int64)
    words = space.word_similarity(rows, cols)
    return {
        p
        for p, w in zip(close, words, strict=True)
        if w < config.story.rewrite_foreign_word_similarity
        or sims[p] >= config.story.rewrite_min_story_similarity_same_language
    }


class Paragraphs(Protocol):
    """Paragraph similarities of two articles (rows a's paragraphs, columns b's)."""

    def matrix(self, a: CleanArticle, b: CleanArticle) -> np.ndarray: ...


class PassageSpace:
    """Paragraph similarities for a set of articles: the mean of the lexical views (in the
    story space's vocabulary) and each encoder's calibrated cosine."""

    def __init__(
        self,
        articles: Sequence[CleanArticle],
        space: StorySpace,
        encoders: Sequence[Encoder],
        cache: VectorCache | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ):
        self.offset: dict[str, int] = {}
        texts: list[str] = []
        for a in articles:
            self.offset[a.id] = len(texts)
            texts.extend(a.paragraphs)
        self.lexical = space.lexical.transform(texts) if texts else None
        self.embeddings = [
            (e.floor, encode_in_steps(e, texts, cache, progress, f"embed paragraphs ({e.name})"))
            for e in (encoders if texts else ())
        ]

    def _rows(self, a: CleanArticle) -> np.ndarray:
        return np.arange(self.offset[a.id], self.offset[a.id] + len(a.paragraphs))

    def _similarities(self, rows: np.ndarray) -> np.ndarray:
        """Dense similarities among the paragraph ``rows``."""
        assert self.lexical is not None  # made from the articles the rows are of
        total, count = self.lexical.matrix_sums(rows)
        for floor, vectors in self.embeddings:
            total = total + calibrated(vectors[rows] @ vectors[rows].T, floor)
            count = count + 1
        return mean_of_views(total, count)

    def matrix(self, a: CleanArticle, b: CleanArticle) -> np.ndarray:
        ra, rb = self._rows(a), self._rows(b)
        return self._similarities(np.concatenate((ra, rb)))[: len(ra), len(ra) :]

    def among(self, articles: Sequence[CleanArticle]) -> _Among:
        """The similarities among all paragraphs of ``articles`` (a story's), computed at
        once: a sparse product per view for a story, not one per pair of it."""
        unique = list({a.id: a for a in articles}.values())
        rows = [self._rows(a) for a in unique]
        at = np.cumsum([0] + [len(r) for r in rows])
        local = {a.id: (int(at[k]), int(at[k + 1])) for k, a in enumerate(unique)}
        every = self._similarities(np.concatenate(rows)) if unique else np.zeros((0, 0))
        return _Among(local, every)


@dataclass(slots=True)
class _Among:
    """:meth:`PassageSpace.among`: the articles' paragraph spans in one similarity matrix."""

    local: dict[str, tuple[int, int]]
    every: np.ndarray

    def matrix(self, a: CleanArticle, b: CleanArticle) -> np.ndarray:
        (a0, a1), (b0, b1) = self.local[a.id], self.local[b.id]
        return self.every[a0:a1, b0:b1]


def same_story(
    a: CleanArticle, b: CleanArticle, similarity: float, passages: Paragraphs, config: Config
) -> Relation:
    """A ``same_story`` relation, its evidence the paragraph pairs of ``passages`` that are
    each other's best match."""
    return _same_story(a, b, similarity, passages.matrix(a, b), config)


def _same_story(
    a: CleanArticle, b: CleanArticle, similarity: float, m: np.ndarray, config: Config
) -> Relation:
    pairs = best_matches(m, config.story.rewrite_min_passage_similarity)
    evidence = _paragraph_evidence(a, b, pairs, m)
    return Relation.by_meaning(a.id, b.id, RelationKind.SAME_STORY, similarity, evidence)


def meaning_relation(
    a: CleanArticle, b: CleanArticle, similarity: float, passages: Paragraphs, config: Config
) -> Relation:
    """``rewrite`` (with the passages aligned in order as evidence) or ``same_story`` (with
    the paragraph pairs that are each other's best match)."""
    m = passages.matrix(a, b)
    clear = distinct(m, config.story.rewrite_margin) if m.size else m
    pairs = monotone_alignment(clear, config.story.rewrite_min_passage_similarity) if m.size else []
    words_a, words_b = _paragraph_words(a), _paragraph_words(b)
    cov_a = sum(words_a[i] for i in {i for i, _ in pairs}) / max(sum(words_a), 1)
    cov_b = sum(words_b[j] for j in {j for _, j in pairs}) / max(sum(words_b), 1)
    fewest = min(len(a.paragraphs), len(b.paragraphs), config.story.rewrite_min_passages)
    is_rewrite = len(pairs) >= fewest and min(cov_a, cov_b) >= config.story.rewrite_min_coverage
    if not is_rewrite:
        return _same_story(a, b, similarity, m, config)
    evidence = _paragraph_evidence(a, b, pairs, m)
    return Relation.by_meaning(
        a.id, b.id, RelationKind.REWRITE, similarity, evidence, (cov_a, cov_b)
    )


def _paragraph_words(article: CleanArticle) -> list[int]:
    return [p.count(" ") + 1 for p in article.paragraphs]


def _paragraph_evidence(
    a: CleanArticle, b: CleanArticle, pairs: list[tuple[int, int]], m: np.ndarray
) -> list[AlignedPassage]:
    """Whole paragraphs (i of a, j of b) as aligned passages, with their similarity in m."""
    starts_a, starts_b = a.paragraph_starts(), b.paragraph_starts()
    words_a = _paragraph_words(a)
    return [
        AlignedPassage(
            a_paragraph=i,
            a_start=starts_a[i],
            a_end=starts_a[i] + len(a.paragraphs[i]),
            b_paragraph=j,
            b_start=starts_b[j],
            b_end=starts_b[j] + len(b.paragraphs[j]),
            similarity=round(float(m[i, j]), 3),
            words=words_a[i],
        )
        for i, j in pairs
    ]
