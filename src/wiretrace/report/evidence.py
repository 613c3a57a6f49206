"""What a relation's evidence means, and its passages as a person reads them.

A relation (a line of relations.jsonl) proves itself with passages of both articles: the
copy engine's aligned spans, or paragraphs matched by meaning. ``show``, ``diff`` and the
HTML report all read them through this module, so each kind of evidence is explained in
one place (the report receives :data:`EVIDENCE_MEANING` in its index).
"""

from __future__ import annotations

from dataclasses import dataclass

from wiretrace.records import PARAGRAPH_SEPARATOR, RELATION_KINDS, RelationKind, paragraph_starts

#: What the evidence of each kind of relation is. Keyed by the kinds' plain values: the
#: HTML report receives it as JSON, and orjson writes only plain strings as keys.
EVIDENCE_MEANING = {
    RelationKind.DUPLICATE.value: (
        "Aligned passages (copy engine): the same words in the same order."
    ),
    RelationKind.COPY.value: (
        "Aligned passages (copy engine): each runs from the first to the last word 4-gram "
        "two paragraphs share; similarity is the share of the smaller paragraph's 4-grams "
        "found in the other. They cover most of both articles."
    ),
    RelationKind.PARTIAL.value: (
        "Aligned passages (copy engine): each runs from the first to the last word 4-gram "
        "two paragraphs share; similarity is the share of the smaller paragraph's 4-grams "
        "found in the other. They cover half of the smaller article, or form one block of "
        "40 words or more: check that the shared text is the story's and not a pitch, a "
        "notice or a template."
    ),
    RelationKind.REWRITE.value: (
        "Paragraphs matched by meaning, in order (few shared words): each pair is the "
        "other's clear best match; similarity is the paragraphs' similarity by meaning. "
        "They cover most of both articles."
    ),
    RelationKind.SAME_STORY.value: (
        "Independent reports of the same events: no derived text. The paragraph pairs "
        "shown are each other's best match by meaning (by the word views alone when the "
        "pair was not close enough to be checked for a rewrite); the views say what the "
        "similarity rests on."
    ),
    RelationKind.UNRELATED.value: "No relation: no shared passages, and not the same story.",
}


@dataclass(frozen=True)
class Passage:
    """One side of an evidence item, in the cleaned text of its article."""

    paragraph: int
    start: int
    end: int
    text: str
    #: The passage begins after its paragraph's start / ends before its end (a part of it).
    cut_before: bool
    cut_after: bool


@dataclass(frozen=True)
class EvidenceRow:
    """One evidence item, seen from one article (``here``) towards the other (``there``)."""

    here: Passage
    there: Passage
    similarity: float


def other_end(relation: dict, here: str) -> str:
    return relation["b"] if relation["a"] == here else relation["a"]


class _Side:
    """One article's paragraphs, to cut evidence passages from."""

    def __init__(self, paragraphs: list[str]):
        self.paragraphs = paragraphs
        self.starts = paragraph_starts(paragraphs)
        self.text = PARAGRAPH_SEPARATOR.join(paragraphs)

    def passage(self, k: int, start: int, end: int) -> Passage:
        known = k < len(self.paragraphs)  # evidence out of step with the text cuts nothing
        p_start = self.starts[k] if known else start
        p_end = p_start + len(self.paragraphs[k]) if known else end
        return Passage(k, start, end, self.text[start:end], start > p_start, end < p_end)


def evidence_rows(
    relation: dict, here: str, paragraphs_here: list[str], paragraphs_there: list[str]
) -> list[EvidenceRow]:
    """The relation's evidence with ``here``'s passage first, whichever end of it ``here``
    is; in ``here``'s text order."""
    mine, theirs = ("a", "b") if relation["a"] == here else ("b", "a")
    this, that = _Side(paragraphs_here), _Side(paragraphs_there)
    rows = [
        EvidenceRow(
            this.passage(e[f"{mine}_paragraph"], e[f"{mine}_start"], e[f"{mine}_end"]),
            that.passage(e[f"{theirs}_paragraph"], e[f"{theirs}_start"], e[f"{theirs}_end"]),
            e["similarity"],
        )
        for e in relation["evidence"]
    ]
    rows.sort(key=lambda r: (r.here.start, r.there.start))
    return rows


def ordered(relations: list[dict]) -> list[dict]:
    """Relations strongest kind first, then most similar first."""
    rank = {k: n for n, k in enumerate(RELATION_KINDS)}
    return sorted(relations, key=lambda r: (rank.get(r["relation"], 99), -r["similarity"]))
