"""Plain typed records passed between pipeline stages.

Every stage takes and returns these dataclasses, so any stage can be run,
tested or replaced alone. They hold data only; the logic lives in the stages.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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

    @property
    def text(self) -> str:
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)

    def paragraph_starts(self) -> list[int]:
        """Character offset of each paragraph in :attr:`text`."""
        starts, pos = [], 0
        for p in self.paragraphs:
            starts.append(pos)
            pos += len(p) + len(PARAGRAPH_SEPARATOR)
        return starts

    def to_dict(self) -> dict:
        return asdict(self)


PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(slots=True)
class AlignedPassage:
    """A passage of article ``a`` that matches a passage of article ``b``.

    Offsets are character offsets into each article's cleaned text; the
    paragraph index says which paragraph the passage starts in.
    """

    a_paragraph: int
    a_start: int
    a_end: int
    b_paragraph: int
    b_start: int
    b_end: int
    #: Share of the smaller passage's shingles found in the other one.
    similarity: float
    words: int


@dataclass(slots=True)
class Relation:
    """A verified relation between two articles, with its evidence."""

    a: str
    b: str
    relation: str  # duplicate | copy | partial | rewrite | same_story
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

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True)
class CopyFamily:
    """Articles that are copies of one text."""

    family: str
    members: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True)
class Story:
    """Articles reporting the same events, with the copy families among them."""

    story: str
    members: list[str]
    families: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


#: Relation kinds of the copy engine, strongest first.
COPY_RELATIONS = ("duplicate", "copy", "partial")
