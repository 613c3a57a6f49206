"""Plain typed records passed between pipeline stages.

Every stage takes and returns these dataclasses, so any stage can be run,
tested or replaced alone. They hold data only; the logic lives in the stages, and
the rows they are written and stored as are made and read in :mod:`wiretrace.codec`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class RelationKind(StrEnum):
    """What one article is to another: the ``relation`` of a :class:`Relation`.

    A ``str`` enum, so a kind is its plain value wherever it goes (relations.jsonl, the
    store's rows, the API's answers, ``==`` with a string read back from any of them) and
    the files stay as they were; the names give the type checker one list to check every
    kind against, where a mistyped string would silently match nothing.
    """

    #: The same cleaned text (copy engine).
    DUPLICATE = "duplicate"
    #: Aligned passages cover most of both articles (copy engine).
    COPY = "copy"
    #: Aligned passages cover much of the smaller article, or form one long block.
    PARTIAL = "partial"
    #: Paragraphs matched by meaning, in order, cover most of both (story stage).
    REWRITE = "rewrite"
    #: Independent reports of the same events (story stage).
    SAME_STORY = "same_story"
    #: No relation: only in the answers of :mod:`wiretrace.compare`, which answers every pair.
    UNRELATED = "unrelated"
    #: Not known: only in a lineage's derivation of a version joined to the others through
    #: articles outside the lineage (no relation of its own to any placed version).
    UNKNOWN = "unknown"


@dataclass(slots=True)
class Article:
    """One input article as read, before cleaning."""

    id: str
    text: str
    title: str = ""
    url: str | None = None
    source: str | None = None
    published: str | None = None
    #: Where the record came from ("path" or "path:line"), for messages and accounting.
    origin: str = ""
    #: The title is the first line of ``text`` (plain-text files), to be found by cleaning.
    title_in_text: bool = False
    #: Notes about the record that did not stop it (e.g. "truncated to 400000 chars").
    notes: list[str] = field(default_factory=list)
    #: Author or byline given by the source (HTML metadata), when not in the text.
    author: str | None = None
    #: When a crawler fetched the page (WARC-Date), as opposed to when it was published.
    fetched: str | None = None
    #: The page's canonical address when it is on another outlet's host: a reprint's
    #: credit to its source (see wiretrace.trace.original.credited_outlets).
    canonical: str | None = None


@dataclass(slots=True)
class Skipped:
    """An input record that was not processed, and why."""

    origin: str
    reason: str
    id: str | None = None


@dataclass(slots=True)
class CleanArticle:
    """An article reduced to its story text.

    ``text`` is the paragraphs joined by a blank line; every character offset
    that wiretrace reports points into it.
    """

    id: str
    title: str
    paragraphs: list[str]
    removed: list[str]
    removed_reasons: list[str]
    url: str | None = None
    source: str | None = None
    published: str | None = None
    byline: str | None = None
    origin: str = ""
    notes: list[str] = field(default_factory=list)
    fetched: str | None = None
    #: Where each removed line sat: the index of the kept paragraph it came before
    #: (``len(paragraphs)`` after the last one). Empty for articles stored before it existed.
    removed_at: list[int] = field(default_factory=list)
    #: A short record: a title with little or no story text (a headline feed, an RSS item;
    #: see :func:`wiretrace.clean.article.short_record_skip`). It joins stories on its title
    #: and summary but has no copy fingerprint. False for articles stored before it existed.
    short: bool = False
    #: See :attr:`Article.canonical` (None for articles stored before it existed).
    canonical: str | None = None

    @property
    def text(self) -> str:
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)

    def paragraph_starts(self) -> list[int]:
        """Character offset of each paragraph in :attr:`text`."""
        return paragraph_starts(self.paragraphs)

    def removed_offset(self, k: int) -> int | None:
        """Character offset in :attr:`text` where removed line ``k`` sat, if known."""
        if k >= len(self.removed_at):
            return None
        at = self.removed_at[k]
        if at < len(self.paragraphs):
            return self.paragraph_starts()[at]
        return len(self.text)


PARAGRAPH_SEPARATOR = "\n\n"


def paragraph_starts(paragraphs: list[str]) -> list[int]:
    """Character offset of each paragraph in the cleaned text they make."""
    starts, pos = [], 0
    for p in paragraphs:
        starts.append(pos)
        pos += len(p) + len(PARAGRAPH_SEPARATOR)
    return starts


@dataclass(slots=True)
class AlignedPassage:
    """A passage of article ``a`` that matches a passage of article ``b``.

    Offsets are character offsets into each article's cleaned text; the
    paragraph index says which paragraph the passage starts in. The copy
    engine's passages run from the first to the last shared word; a rewrite's
    and a same-story pair's are whole paragraphs matched by meaning.
    """

    a_paragraph: int
    a_start: int
    a_end: int
    b_paragraph: int
    b_start: int
    b_end: int
    #: Copy engine: share of the smaller passage's shingles found in the other one;
    #: rewrite and same_story: the paragraphs' similarity by meaning.
    similarity: float
    words: int


@dataclass(slots=True)
class Relation:
    """A verified relation between two articles, with its evidence."""

    a: str
    b: str
    #: See :class:`RelationKind`.
    relation: RelationKind
    #: Share of a's shingles found in b, and of b's in a.
    containment_ab: float
    containment_ba: float
    jaccard: float
    #: Share of each article's words inside aligned passages.
    coverage_a: float
    coverage_b: float
    evidence: list[AlignedPassage]
    #: Same-story similarity in [0, 1] (meaning-level; 0 when not computed).
    similarity: float = 0.0
    #: Event match in [0, 1] that put the pair in one story (``same_story`` and ``rewrite``
    #: relations; None for the copy engine's).
    match: float | None = None
    #: The views the same-story similarity is made of (word, names, encoder cosines...: see
    #: :meth:`wiretrace.story.similarity.StorySpace.views`), for ``same_story`` and
    #: ``rewrite``: what a person reads to judge a pair that shares no wording.
    views: dict[str, float] | None = None

    @classmethod
    def by_meaning(
        cls,
        a: str,
        b: str,
        relation: RelationKind,
        similarity: float,
        evidence: list[AlignedPassage] | None = None,
        coverage: tuple[float, float] = (0.0, 0.0),
    ) -> Relation:
        """A relation found by meaning, not by copied text: no shingles are shared to count."""
        return cls(
            a=a,
            b=b,
            relation=relation,
            containment_ab=0.0,
            containment_ba=0.0,
            jaccard=0.0,
            coverage_a=round(coverage[0], 4),
            coverage_b=round(coverage[1], 4),
            evidence=evidence or [],
            similarity=round(similarity, 4),
        )


@dataclass(slots=True)
class CopyFamily:
    """Articles that are copies of one text."""

    family: str
    members: list[str]


@dataclass(slots=True)
class Story:
    """Articles reporting the same events, with the copy families among them."""

    story: str
    members: list[str]
    families: list[str]


#: Relation kinds of the copy engine, strongest first.
COPY_RELATIONS = (RelationKind.DUPLICATE, RelationKind.COPY, RelationKind.PARTIAL)
#: Relation kinds saying the two articles are one text, each holding most of the other.
WHOLE_COPY_RELATIONS = (RelationKind.DUPLICATE, RelationKind.COPY)
#: Relation kinds saying one text was made from the other (a lineage's versions).
VERSION_RELATIONS = (*COPY_RELATIONS, RelationKind.REWRITE)
#: Every kind a run finds, strongest first: the order relations are listed and counted in.
RELATION_KINDS = (*VERSION_RELATIONS, RelationKind.SAME_STORY)


@dataclass(slots=True)
class Derivation:
    """``derived`` most likely came from ``source`` (a copy or a rewrite of it)."""

    source: str
    derived: str
    #: See :class:`RelationKind`.
    relation: RelationKind
    #: What decided the direction: "published earlier", "evidence: ..." or "undetermined: ...".
    basis: str
    #: False when the evidence cannot tell which way the text went.
    certain: bool


@dataclass(slots=True)
class Lineage:
    """Versions of one text in a story: copy families and the rewrites joining them.

    ``original`` is the version the others most likely derive from, and
    ``original_reason`` says why it was chosen.
    """

    lineage: str
    story: str | None
    families: list[str]
    members: list[str]
    original: str
    original_reason: str
    original_certain: bool
    derivations: list[Derivation]


#: Kinds of diff passages, as written to diffs.jsonl.
DIFF_KINDS = ("shared", "reworded", "dropped", "added", "stitched_in", "boilerplate")


@dataclass(slots=True)
class DiffPassage:
    """One passage of a version (or, for ``dropped``, of the text it is compared with).

    ``start``/``end`` are character offsets into the cleaned text of the article
    named by ``side`` (``"version"`` or ``"against"``); for ``boilerplate`` and
    removed link lines they are the same offset: where the removed line sat.
    """

    kind: str
    side: str
    start: int | None
    end: int | None
    #: Paragraph index in that article (None for removed lines).
    paragraph: int | None = None
    #: For shared/reworded: the matching paragraph in the other article, and its similarity.
    match: int | None = None
    similarity: float | None = None
    #: For added/stitched_in: the highest similarity to a passage of the rest of the story
    #: (for an added passage, the highest found before one reached
    #: ``stitched_max_story_similarity``: at least that).
    story_similarity: float | None = None
    #: Other versions of the lineage that carry this passage.
    found_in: list[str] = field(default_factory=list)
    #: For stitched_in: an article outside the story that the copy engine found carrying
    #: this passage, and the paragraph there (where it was most likely taken from).
    from_article: str | None = None
    from_paragraph: int | None = None
    #: Removed lines are not in the cleaned text, so their text and reason come along.
    text: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class VersionDiff:
    """What one version of a lineage kept, reworded, dropped, added and had stitched in."""

    id: str
    original: str
    #: The article the passages are compared with: the original, or (when the version has
    #: no relation to it) the version it derives from.
    against: str | None
    relation: RelationKind | None
    passages: list[DiffPassage]


def timestamp(value: str | None) -> float | None:
    """Seconds since the epoch of an ISO-8601 time (naive times count as UTC), or None."""
    if not value:
        return None
    try:
        t = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp()
