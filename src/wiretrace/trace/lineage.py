"""Lineages: the versions of one text in a story, their original, and who derived from whom.

A lineage joins copy families (the copy engine's) and the rewrites related to
them: a translated or spun version of a wire story belongs with the story's
reprints. Inside a lineage the derivation edges form a tree rooted at the
original, grown greedily from it (Prim's algorithm) along the strongest
relations: copies before rewrites, then the share of the new version found
in one already placed. Each edge says what decided its direction and whether
the evidence can tell at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from wiretrace.disjoint import DisjointSets
from wiretrace.records import (
    COPY_RELATIONS,
    VERSION_RELATIONS,
    CleanArticle,
    CopyFamily,
    Derivation,
    Lineage,
    Relation,
    RelationKind,
    Story,
    timestamp,
)
from wiretrace.trace.original import CLEARLY_MORE, Choice, choose_original, time_span


class RelationIndex:
    """Relations between versions, looked up by unordered pair."""

    def __init__(self, relations: Sequence[Relation]):
        self.by_pair: dict[frozenset, Relation] = {}
        for r in relations:
            if r.relation in VERSION_RELATIONS:
                self.by_pair[frozenset((r.a, r.b))] = r

    def get(self, x: str, y: str) -> Relation | None:
        return self.by_pair.get(frozenset((x, y)))

    def contained(self, x: str, y: str) -> float:
        """Share of y's words aligned with x (0 without a relation)."""
        r = self.get(x, y)
        if r is None:
            return 0.0
        return r.coverage_b if r.a == x else r.coverage_a


def lineages(
    articles: Mapping[str, CleanArticle],
    relations: Sequence[Relation],
    families: Sequence[CopyFamily],
    stories: Sequence[Story],
    margin: float = 0.05,
) -> list[Lineage]:
    """Every lineage of two or more versions, largest first."""
    index = RelationIndex(relations)
    sets: DisjointSets[str] = DisjointSets()

    def union(x: str, y: str) -> None:  # a group's root is its least id
        sets.union(*sorted((sets.find(x), sets.find(y))))

    for f in families:
        for m in f.members[1:]:
            union(f.members[0], m)
    for r in relations:
        if r.relation == RelationKind.REWRITE and r.a in articles and r.b in articles:
            union(r.a, r.b)
    groups = sets.groups()

    family_of = {m: f.family for f in families for m in f.members}
    story_of = {m: s.story for s in stories for m in s.members}
    out = []
    for ids in groups.values():
        if len(ids) < 2:
            continue
        members = [articles[i] for i in ids]
        derived = derived_shares(members, relations, story_of)
        choice = _original(members, family_of, index, margin, derived)
        derivations = _derivations(members, choice, index, margin)
        order = {d.derived: k for k, d in enumerate(derivations, start=1)}
        order[choice.original] = 0
        out.append(
            Lineage(
                lineage=f"lineage:{choice.original}",
                story=story_of.get(choice.original),
                families=sorted({family_of[i] for i in ids if i in family_of}),
                members=sorted(ids, key=order.__getitem__),
                original=choice.original,
                original_reason=choice.reason,
                original_certain=choice.certain,
                derivations=derivations,
            )
        )
    out.sort(key=lambda g: (-len(g.members), g.lineage))
    return out


def derived_shares(
    members: Sequence[CleanArticle], relations: Sequence[Relation], story_of: Mapping[str, str]
) -> dict[str, float]:
    """Share of each version's text found in articles of other stories and in no other
    version: text stitched in or quoted from elsewhere. Text every version holds, which an
    article of another story shares (it quoted the story), is the lineage's own."""
    ids = {a.id for a in members}
    outside: dict[str, list[tuple[int, int]]] = {a.id: [] for a in members}
    inside: dict[str, list[tuple[int, int]]] = {a.id: [] for a in members}
    for r in relations:
        if r.relation not in COPY_RELATIONS:
            continue
        for me, other, side in ((r.a, r.b, "a"), (r.b, r.a, "b")):
            if me not in ids:
                continue
            spans = [
                (e.a_start, e.a_end) if side == "a" else (e.b_start, e.b_end) for e in r.evidence
            ]
            if other in ids:
                inside[me] += spans
            elif story_of.get(other) != story_of.get(me):
                outside[me] += spans
    shares = {}
    for a in members:
        alone = _covered(outside[a.id]) - _covered(outside[a.id], only=inside[a.id])
        shares[a.id] = alone / max(1, len(a.text))
    return shares


def _covered(spans: list[tuple[int, int]], only: list[tuple[int, int]] | None = None) -> int:
    """Characters covered by ``spans`` (with ``only``: covered by both ``spans`` and ``only``)."""
    chars: set[int] = set()
    for start, end in spans:
        chars.update(range(start, end))
    if only is not None:
        kept: set[int] = set()
        for start, end in only:
            kept.update(range(start, end))
        chars &= kept
    return len(chars)


def _original(
    members: list[CleanArticle],
    family_of: Mapping[str, str],
    index: RelationIndex,
    margin: float,
    derived: Mapping[str, float],
) -> Choice:
    """Publication time over all versions; without it, copies (not translations or paraphrases)
    are the candidates: a reworded text is rarely the source of verbatim copies."""
    dated = any(timestamp(a.published) is not None for a in members)
    copies = [a for a in members if a.id in family_of]
    candidates = members if dated or not copies else copies
    contained = {
        (x.id, y.id): index.contained(x.id, y.id) + lost_in_cleaning(x, y, index.get(x.id, y.id))
        for x in candidates
        for y in candidates
        if x.id != y.id
    }
    by_id = {a.id: a for a in candidates}
    # Only where the other holds nearly all of it: a version that holds much more than
    # another (a fifth and up) is its uncut source, whatever the words of the rest.
    off_story = {
        x.id: any(
            index.contained(y, x.id) >= 1.0 - CLEARLY_MORE
            and adds_off_story(x, by_id[y], index.get(x.id, y))
            for y in by_id
            if y != x.id
        )
        for x in candidates
    }
    return choose_original(candidates, contained, margin, derived, off_story)


def lost_in_cleaning(
    holder: CleanArticle, version: CleanArticle, relation: Relation | None
) -> float:
    """Share of ``version``'s text in paragraphs ``relation`` leaves unaligned that ``holder``
    holds among its removed lines (:func:`removed_from`). A source whose paragraph was
    learned as boilerplate (the line recurs in other stories) lost it in cleaning, where a
    copy that reflowed or edited it kept it: the copy does not add it, and the source is
    not cut."""
    if relation is None or not holder.removed:
        return 0.0
    side = "a" if relation.a == version.id else "b"
    spans = [(getattr(e, f"{side}_start"), getattr(e, f"{side}_end")) for e in relation.evidence]
    lost = 0
    for start, para in zip(version.paragraph_starts(), version.paragraphs, strict=True):
        end = start + len(para)
        covered = sum(max(0, min(end, b) - max(start, a)) for a, b in spans)
        if covered < 0.5 * len(para) and removed_from(para, holder) is not None:
            lost += len(para)
    return lost / max(1, len(version.text))


def adds_off_story(version: CleanArticle, other: CleanArticle, relation: Relation | None) -> bool:
    """Whether ``version`` holds, beyond what it shares with ``other``, a passage off their
    story: most of its content words appear nowhere in the shared text. A copy that cut its
    source's end leaves out more of the same story, named by the same words; a quote or a
    paragraph stitched in from another story brings words of its own. It tells the two
    apart where containment cannot: each leaves one version holding all of the other."""
    if relation is None:
        return False
    side = "a" if relation.a == version.id else "b"
    spans = [(getattr(e, f"{side}_start"), getattr(e, f"{side}_end")) for e in relation.evidence]
    starts = version.paragraph_starts()
    shared: list[str] = []
    extra: list[str] = []
    for start, para in zip(starts, version.paragraphs, strict=True):
        end = start + len(para)
        covered = sum(max(0, min(end, b) - max(start, a)) for a, b in spans)
        (shared if covered >= 0.5 * len(para) else extra).append(para)
    known = _content_words(" ".join(shared))
    for para in extra:
        words = _content_words(para)
        if len(words) >= _OFF_STORY_MIN_WORDS and len(words - known) >= _OFF_STORY_NEW * len(words):
            return True
    return False


#: A passage is off the story when this share of its content words is new to the shared
#: text, and it has at least this many content words (a short line says too little).
_OFF_STORY_NEW = 0.6
_OFF_STORY_MIN_WORDS = 8


def _content_words(text: str) -> set[str]:
    """Lower-case words of four letters or more: names and topic words, few function words."""
    return {w for w in re.findall(r"[^\W\d_]{4,}", text.lower())}


def _derivations(
    members: list[CleanArticle], choice: Choice, index: RelationIndex, margin: float
) -> list[Derivation]:
    by_id = {a.id: a for a in members}
    placed = [choice.original]
    todo = set(by_id) - {choice.original}
    edges: list[Derivation] = []
    while todo:
        best = None
        for p in placed:
            for v in todo:
                r = index.get(p, v)
                if r is None:
                    continue
                key = (
                    r.relation != RelationKind.REWRITE,
                    index.contained(p, v),
                    p == choice.original,
                    p,
                    v,
                )
                if best is None or key > best[0]:
                    best = (key, p, v, r)
        if best is None:  # joined only through members outside this set: say so
            for v in sorted(todo):
                edges.append(
                    Derivation(
                        choice.original,
                        v,
                        RelationKind.UNKNOWN,
                        "undetermined: no relation to a placed version",
                        False,
                    )
                )
            break
        _, p, v, r = best
        edges.append(
            Derivation(p, v, r.relation, *_basis(by_id[p], by_id[v], choice, index, margin))
        )
        placed.append(v)
        todo.discard(v)
    return edges


def _basis(
    p: CleanArticle, v: CleanArticle, choice: Choice, index: RelationIndex, margin: float
) -> tuple[str, bool]:
    sp, sv = time_span(p.published), time_span(v.published)
    if sp is not None and sv is not None:
        if sp[1] <= sv[0]:
            return "published earlier", True
        if sv[1] <= sp[0]:
            return f"undetermined: {v.id} was published before {p.id}", False
    in_p, in_v = index.contained(p.id, v.id), index.contained(v.id, p.id)
    if p.id == choice.original:
        return f"evidence: the original ({choice.reason})", choice.certain
    if in_p - in_v >= margin:
        return (
            f"evidence: {in_p:.0%} of {v.id} is found in {p.id}, "
            f"only {in_v:.0%} of {p.id} in {v.id}"
        ), True
    return (
        f"undetermined: {p.id} and {v.id} contain each other about equally "
        f"({in_p:.0%} vs {in_v:.0%})"
    ), False


def removed_from(paragraph: str, source: CleanArticle | None) -> str | None:
    """Why the source lost this paragraph in cleaning, when it holds it among its removed
    lines (learned boilerplate, chrome), lightly edited, or a piece of them: a version that
    kept it did not add it. A reflowed copy splits a removed promotion in two, or joins a
    list of short removed labels into one paragraph: its text is then found, word for word,
    inside the removed lines read in order."""
    if source is None or not source.removed:
        return None
    text = " ".join(paragraph.lower().split())
    removed = [" ".join(line.lower().split()) for line in source.removed]
    in_order = " ".join(removed)
    words = set(text.split())
    for line, reason in zip(removed, source.removed_reasons, strict=True):
        theirs = set(line.split())
        if len(words) >= 4 and len(words & theirs) >= _SAME_LINE * max(len(words), len(theirs)):
            return f"removed from {source.id} as {reason}"
    if len(text) >= _PIECE_MIN_CHARS and text in in_order:
        at = in_order.index(text)
        first = _line_at(removed, at)
        return f"removed from {source.id} as {source.removed_reasons[first]} (a piece of it)"
    return None


def _line_at(lines: list[str], at: int) -> int:
    """Index of the line holding character ``at`` of ``lines`` joined by single spaces."""
    end = -1
    for k, line in enumerate(lines):
        end += len(line) + 1
        if at <= end:
            return k
    return len(lines) - 1


#: Share of words two lines share for one to be the other, lightly edited.
_SAME_LINE = 0.7
#: A piece of the removed lines this long (characters) is theirs: shorter ones ("the") say
#: nothing.
_PIECE_MIN_CHARS = 20
