"""Which version of a text is the original, and why.

The evidence is read in this order; the first that decides, decides:

1. **A credit to an outlet among the versions.** A reprint that says where it comes from
   ("This article originally appeared on X", "Source: X", "Republished from X", an
   agency's dateline "MOSCOW (AP) —", an agency's name closing the text) makes the
   version of that outlet the original, when exactly one version is that outlet's (by
   its ``source``, or its URL's host). A reprint knows its source; a timestamp may be a
   feed's.
2. **Publication time**, at the finest precision given: a date alone spans its whole
   day, a time to the minute its minute. Only the versions that may have come first
   compete: those whose span begins before the earliest span ends. Undated versions
   compete only when no version is dated; otherwise the pick is certain only if the
   text shows each undated version derived from it (it holds more of them than they of it).
   An undated version is the original when the text shows the dated pick derived from it:
   cut from it, adding a passage off their story to it, or cutting its sentences.
3. Among versions tied in time, **the text**:

   * text a version shares with articles of *other* stories (stitched in, quoted) is
     derived: it counts against the version, and never as completeness;
   * a wire credit on one version only (an agency byline or dateline the others lack): a
     copy adding text of its own holds more than its source, the credit says which is whose;
   * completeness: the share of the other tied versions' own words (their words not
     derived from other stories) aligned with this one. Reprints cut; the original holds
     what every copy holds;
   * a sentence cut across two paragraphs (the first ends without a sentence's end, the
     next begins in lower case) that another version holds whole in one: the cut version
     was reflowed from a text like the other. Writers do not break sentences so: 0.09% of
     the paragraph breaks of the AllSides articles do, in 1.1% of the articles;
   * paragraph breaks between sentences that another version joins into one paragraph:
     text read without its markup loses breaks, a copy seldom adds them (not certain);
   * an agency among the outlets: syndicated text starts at the agency.

When nothing separates the leading two, the pick is marked not certain. *Certain* is
meant literally: ``wiretrace bench provenance`` measures how often a certain pick is right.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from wiretrace.clean.chrome import WIRE_SERVICES
from wiretrace.records import CleanArticle

_AGENCY = "|".join(re.escape(w) for w in sorted(WIRE_SERVICES, key=len, reverse=True))
#: "By X, Associated Press", "Associated Press", "X; Reuters" in a byline.
_BYLINE_AGENCY = re.compile(rf"(?:^|[,;:(]\s*|\bby\s+|\s)({_AGENCY})\b\.?\s*(?:$|[;,)])", re.I)
#: Datelines: "MOSCOW (AP) —", "Moscow, Dec 27 (Reuters) -", "PARIS (AFP) -", "(Moscow)".
_DATELINE = re.compile(
    rf"^[A-Z][\w.' -]{{1,40}}(?:,[\w. ]{{1,30}})?\s*\(({_AGENCY})\)\s*[-—–:]"
    r"|^\(([A-Z][a-z]+(?: [A-Z][a-z]+)?)\)\s*[-—–:]?",
    re.I,
)
#: Lines that name where a reprint comes from; ``outlet`` is the name.
_CREDITS = [
    re.compile(
        r"\b(?:originally|first)\s+(?:appeared|published|ran)\s+(?:on|in|at|by)\s+"
        r"(?P<outlet>[^.;,()\n]{2,60})",
        re.I,
    ),
    re.compile(
        r"\b(?:republished|reprinted)\s+(?:\w+\s+){0,3}from\s+(?P<outlet>[^.;,()\n]{2,60})", re.I
    ),
    re.compile(
        r"^(?:source|via|courtesy of|credit)\s*[:\-–—]\s*(?P<outlet>[^.;\n]{2,60})\.?$", re.I
    ),
    re.compile(rf"^[—–-]?\s*(?:the\s+)?(?P<outlet>{_AGENCY})\.?$", re.I),
]
#: Agencies by every name they go by, to one key.
_AGENCY_KEYS = {
    "ap": "associatedpress",
    "theassociatedpress": "associatedpress",
    "afp": "agencefrancepresse",
    "pa": "pressassociation",
}


def outlet_key(name: str | None) -> str | None:
    """An outlet's name or host reduced to compare: lower case letters and digits, without
    "the", "www." or the top-level domain; agencies by one name."""
    if not name:
        return None
    name = name.strip().lower()
    if "." in name and " " not in name:  # a host: theconversation.com -> theconversation
        parts = [p for p in name.split(".") if p not in ("www", "m", "amp")]
        name = parts[0] if len(parts) <= 2 else parts[-2]
    name = re.sub(r"^the\s+", "", name)
    key = re.sub(r"[^a-z0-9]", "", name)
    return _AGENCY_KEYS.get(key, key) or None


def outlets_of(article: CleanArticle) -> set[str]:
    """The keys an article's outlet goes by: its source's name and its URL's host."""
    host = urlsplit(article.url).hostname if article.url else None
    return {k for k in (outlet_key(article.source), outlet_key(host)) if k}


def wire_credit(article: CleanArticle) -> str | None:
    """The agency or dateline that credits ``article`` as wire copy, if any."""
    for line in ([article.byline] if article.byline else []) + [
        r
        for r, why in zip(article.removed, article.removed_reasons, strict=False)
        if why == "byline"
    ]:
        m = _BYLINE_AGENCY.search(line)
        if m:
            return m.group(1)
    if article.paragraphs:
        m = _DATELINE.match(article.paragraphs[0])
        if m:
            return m.group(1) or f"({m.group(2)})"
    return None


def credited_outlets(article: CleanArticle) -> set[str]:
    """Outlets (keys) the article credits as its source, other than its own: credit lines at
    its start or end (kept or removed as chrome), its wire credit, its canonical address."""
    lines = [*article.paragraphs[:2], *article.paragraphs[-3:], *article.removed]
    found = set()
    for line in lines:
        line = line.strip()
        for pattern in _CREDITS:
            m = pattern.search(line)
            if m and (key := outlet_key(m.group("outlet"))):
                found.add(key)
    credit = wire_credit(article)
    if credit and not credit.startswith("("):
        found.add(outlet_key(credit) or "")
    if article.canonical:  # a canonical address on another outlet's host
        found.add(outlet_key(urlsplit(article.canonical).hostname) or "")
    return found - outlets_of(article) - {""}


def time_span(published: str | None) -> tuple[float, float] | None:
    """When a version was published, as [start, end) in seconds since the epoch: as precise
    as it was given (a date alone is its whole day, a time to the minute its minute), in
    its own timezone (UTC when none is given). None when undated or unreadable."""
    if not published:
        return None
    text = published.strip().replace("Z", "+00:00")
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return None
    start = (t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp()
    clock = text[10:].lstrip("T ").split("+")[0].split("-")[0]
    if len(text) <= 10 or not clock:
        return start, start + 86400.0
    if clock.count(":") == 1:
        return start, start + 60.0
    return start, start + 1.0


#: How a paragraph may end when a sentence (or a heading, a quote, a list's lead) ends there.
_SENTENCE_END = re.compile(r"[.!?:;\"”’')\]…]\s*$")
#: Words on each side of a paragraph break looked for, joined, in one paragraph of the other.
_SEAM_WORDS = 3


def cut_sentences(version: CleanArticle, other: CleanArticle) -> int:
    """How many of ``version``'s paragraph breaks cut a sentence that ``other`` holds whole:
    the paragraph ends without a sentence's end, the next one begins in lower case, and
    ``other`` has the words on both sides of the break in one paragraph.

    A copy that reflows its source (a scraper splitting at line breaks, a layout cut into
    blocks) leaves such breaks; an original rarely has one, and when it does its copies
    carry it too, so it counts for neither."""
    return _breaks_held_whole(version, _windows(other), mid_sentence=True)


def joined_paragraphs(version: CleanArticle, other: CleanArticle) -> int:
    """How many of ``other``'s paragraph breaks between sentences ``version`` holds inside
    one paragraph. Text read without its markup (a scraper, a feed's plain text) loses
    paragraph breaks; a copy seldom adds breaks where its source has none."""
    return _breaks_held_whole(other, _windows(version), mid_sentence=False)


def _windows(article: CleanArticle) -> set[str]:
    """Every run of ``2 * _SEAM_WORDS`` words inside one of the article's paragraphs."""
    n = 2 * _SEAM_WORDS
    out: set[str] = set()
    for p in article.paragraphs:
        words = p.split()
        out.update(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return out


def _breaks_held_whole(version: CleanArticle, windows: set[str], mid_sentence: bool) -> int:
    """Breaks of ``version`` (inside a sentence, or between two) whose words on both sides
    are a run of words in ``windows`` (:func:`_windows` of another version): held in one
    paragraph there."""
    held = 0
    for first, then in zip(version.paragraphs, version.paragraphs[1:], strict=False):
        inside = not _SENTENCE_END.search(first) and then[:1].islower()
        between = _SENTENCE_END.search(first) and then[:1].isupper()
        if not (inside if mid_sentence else between):
            continue
        before, after = first.split()[-_SEAM_WORDS:], then.split()[:_SEAM_WORDS]
        if len(before) == len(after) == _SEAM_WORDS:
            held += " ".join(before + after) in windows
    return held


@dataclass(frozen=True)
class Choice:
    original: str
    reason: str
    certain: bool


def choose_original(
    members: Sequence[CleanArticle],
    contained: Mapping[tuple[str, str], float],
    margin: float = 0.05,
    derived: Mapping[str, float] | None = None,
    off_story: Mapping[str, bool] | None = None,
) -> Choice:
    """The original among ``members``.

    ``contained[(x, y)]`` is the share of y's words aligned with x (the pair's relation
    coverage on y's side; pairs without a relation count as 0); ``derived[x]`` the share
    of x's words it shares with articles of other stories; ``off_story[x]`` whether x holds
    a passage, beyond what it shares with another version, off their story (a quote, a
    paragraph of another story too short to relate the two).
    """
    if len(members) == 1:
        return Choice(members[0].id, "the only version", True)
    derived = derived or {}
    off_story = off_story or {}
    credited = _credited(members)
    if credited is not None:
        return credited
    spans = {a.id: time_span(a.published) for a in members}
    dated = [a for a in members if spans[a.id] is not None]
    undated = [a for a in members if spans[a.id] is None]
    if not dated:
        return _by_text(members, contained, margin, derived, off_story, "no version is dated")
    first_end = min(spans[a.id][1] for a in dated)  # type: ignore[index]
    tied = [a for a in dated if spans[a.id][0] < first_end]  # type: ignore[index]
    if len(tied) == 1:
        first = tied[0]
        choice = Choice(first.id, f"published first ({first.published})", True)
    else:
        why = f"{len(tied)} published first, tied"
        choice = _by_text(tied, contained, margin, derived, off_story, why)
    pick = choice.original

    def holds(x: str, y: str) -> float:
        return contained.get((x, y), 0.0)

    by_id = {a.id: a for a in members}
    for u in undated:
        # An undated version is the pick's source when the text says so: the pick is cut
        # from it, adds to all of it a passage off their story, or cuts its sentences.
        # Cut: the pick lacks a clear share of u's own words, and u adds no passage off
        # their story (a quote or another story's paragraph is no part of the source).
        own_in_pick = min(1.0, holds(pick, u.id) / max(1e-9, 1.0 - derived.get(u.id, 0.0)))
        cut = holds(u.id, pick) - own_in_pick >= CLEARLY_MORE and not off_story.get(u.id, False)
        added = (
            off_story.get(pick, False)
            and not off_story.get(u.id, False)
            and holds(pick, u.id) >= 1.0 - CLEARLY_MORE
        )
        reflowed = cut_sentences(by_id[pick], u) > cut_sentences(u, by_id[pick])
        if cut or added or reflowed:
            how = (
                "is cut from it"
                if cut
                else "adds a passage off the story to it"
                if added
                else "cuts across paragraphs sentences it holds whole"
            )
            return Choice(u.id, f"undated, but {pick} (dated first) {how}", False)
    if undated and choice.certain:
        # An undated version could be older, unless the text shows it derived from the pick.
        behind = all(holds(pick, u.id) - holds(u.id, pick) >= CLEARLY_MORE for u in undated)
        if not behind:
            return Choice(pick, f"{choice.reason}; {len(undated)} undated could be older", False)
    return choice


def _credited(members: Sequence[CleanArticle]) -> Choice | None:
    """The version of the outlet another version credits, when exactly one version is that
    outlet's and no other credited outlet among the versions disagrees."""
    owners: dict[str, list[CleanArticle]] = {}
    for a in members:
        for key in outlets_of(a):
            owners.setdefault(key, []).append(a)
    picks: dict[str, tuple[CleanArticle, str]] = {}
    for a in members:
        for key in credited_outlets(a):
            found = owners.get(key, [])
            if len(found) == 1 and found[0].id != a.id:
                picks[found[0].id] = (a, key)
    if len(picks) != 1:
        return None
    ((pick_id, (by, _)),) = picks.items()
    pick = next(m for m in members if m.id == pick_id)
    return Choice(pick_id, f"credited as the source by {by.id} ({pick.source or pick.url})", True)


def _by_text(
    members: Sequence[CleanArticle],
    contained: Mapping[tuple[str, str], float],
    margin: float,
    derived: Mapping[str, float],
    off_story: Mapping[str, bool],
    why: str,
) -> Choice:
    """Among versions that time cannot order: the one deriving least from other stories, then
    a lone wire credit (a copy adding text of its own holds more than its source: the
    credit says which is the agency's), then the most complete; among the about as
    complete, the one cutting no sentence another holds whole, then the one joining fewest
    of the others' paragraph breaks, then the one adding least; then an agency's."""
    ids = [a.id for a in members]

    def own(x: str, y: str) -> float:  # share of y's own words found in x
        return min(1.0, contained.get((x, y), 0.0) / max(1e-9, 1.0 - derived.get(y, 0.0)))

    complete = {x: sum(own(x, y) for y in ids if y != x) / (len(ids) - 1) for x in ids}
    credit = {a.id: wire_credit(a) for a in members}
    agency = {a.id: bool(outlets_of(a) & _AGENCY_OUTLETS) for a in members}
    words = {a.id: sum(p.count(" ") + 1 for p in a.paragraphs) for a in members}
    stitched = {x: derived.get(x, 0.0) >= _DERIVED_SHARE for x in ids}
    # Sentences a version cuts that another holds whole, with the one holding them.
    reflowed: dict[str, tuple[int, str]] = {}
    # Breaks between sentences of another version a version holds inside its paragraphs.
    joined: dict[str, tuple[int, str]] = {}
    windows = {a.id: _windows(a) for a in members}
    for a in members:
        for b in members:
            if a is b:
                continue
            cut = _breaks_held_whole(a, windows[b.id], mid_sentence=True)
            if cut > reflowed.get(a.id, (0, ""))[0]:
                reflowed[a.id] = (cut, b.id)
            kept = _breaks_held_whole(b, windows[a.id], mid_sentence=False)
            if kept > joined.get(a.id, (0, ""))[0]:
                joined[a.id] = (kept, b.id)

    # Versions within ``margin`` of the most complete are as complete as each other; among
    # them the one adding least to the others is the source: a copy that adds a credit line
    # or a quote holds all of its source, and a little more.
    top = max(complete.values())
    added = {x: 1.0 - sum(own(y, x) for y in ids if y != x) / (len(ids) - 1) for x in ids}

    def rank(x: str) -> tuple:
        near = complete[x] >= top - margin
        return (
            not stitched[x],
            credit[x] is not None,
            not off_story.get(x, False),
            near,
            x not in reflowed,
            -joined.get(x, (0, ""))[0] if near else 0,
            -added[x] if near else complete[x],
            agency[x],
            -words[x],
            x,
        )

    best, second = sorted(ids, key=rank, reverse=True)[:2]
    share = f"{complete[best]:.0%} of the other versions' own text is found in it"
    if stitched[second] and not stitched[best]:
        return Choice(
            best,
            f"{why}; {second} holds text of other stories ({derived[second]:.0%}), "
            f"{best} does not; {share}",
            True,
        )
    if credit[best] and not credit[second]:
        return Choice(
            best, f"{why}; carries a wire credit ({credit[best]}) that the others lack", True
        )
    if second in reflowed and best not in reflowed:
        n, whole = reflowed[second]
        return Choice(
            best,
            f"{why}; {second} cuts {n} sentence{'s' if n > 1 else ''} across paragraphs "
            f"that {whole} holds whole (a reflowed copy); {share}",
            False,
        )
    if (
        complete[second] >= top - margin
        and joined.get(second, (0, ""))[0] > joined.get(best, (0, ""))[0]
    ):
        breaks, keeper = joined[second]
        return Choice(
            best,
            f"{why}; {second} joins {breaks} paragraph break{'s' if breaks > 1 else ''} "
            f"of {keeper} "
            f"(copies lose breaks more often than they add them); {share}",
            False,
        )
    if complete[best] - complete[second] >= margin:
        return Choice(
            best,
            f"{why}; most complete: {share} (next {second}: {complete[second]:.0%})",
            complete[best] - complete[second] >= CLEARLY_MORE,
        )
    if agency[best] and not agency[second]:
        return Choice(best, f"{why}; the agency's version ({best}), as syndication goes", False)
    return Choice(
        best,
        f"{why}; evidence cannot tell: {best} and {second} are about as complete "
        f"({complete[best]:.0%} vs {complete[second]:.0%}); chose the one adding least",
        False,
    )


#: How much more of the others one version must hold for the text alone to make its pick
#: certain. Containment cannot tell a copy that cut its source's end from a copy that added
#: a quote or a paragraph of another story too short to be related to it: both leave one
#: version holding all of the other and a little more. Cuts of a fifth or more are clear;
#: additions of that size are related to their source article (``derived``).
CLEARLY_MORE = 0.15
#: A version whose words are this much shared with other stories holds stitched-in text.
_DERIVED_SHARE = 0.05
_AGENCY_OUTLETS = {k for k in (outlet_key(w) for w in WIRE_SERVICES) if k}
