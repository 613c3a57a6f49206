"""Which version of a text is the original, and why.

Publication time decides when the versions carry it. Otherwise the evidence
does, in this order:

1. a wire credit: a byline or dateline naming a news agency ("By Dasha
   Litvinova, Associated Press", "MOSCOW (AP) —", "(Reuters)"); a reprint
   often drops it, and the agency's own text is the source of the others;
2. completeness: the share of the other versions' words aligned with this
   one, averaged over the other versions. Reprints cut, so the original holds
   most of what every copy holds.

When neither separates the leading two versions (no wire credit on either,
completeness within ``margin``), the choice is marked as not certain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from wiretrace.clean.chrome import WIRE_SERVICES
from wiretrace.records import CleanArticle, timestamp

_AGENCY = "|".join(re.escape(w) for w in sorted(WIRE_SERVICES, key=len, reverse=True))
#: "By X, Associated Press", "Associated Press", "X; Reuters" in a byline.
_BYLINE_AGENCY = re.compile(rf"(?:^|[,;:(]\s*|\bby\s+|\s)({_AGENCY})\b\.?\s*(?:$|[;,)])", re.I)
#: Datelines: "MOSCOW (AP) —", "Moscow, Dec 27 (Reuters) -", "PARIS (AFP) -", "(Moscow)".
_DATELINE = re.compile(
    rf"^[A-Z][\w.' -]{{1,40}}(?:,[\w. ]{{1,30}})?\s*\(({_AGENCY})\)\s*[-—–:]"
    r"|^\(([A-Z][a-z]+(?: [A-Z][a-z]+)?)\)\s*[-—–:]?",
    re.I,
)


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


@dataclass(frozen=True)
class Choice:
    original: str
    reason: str
    certain: bool


def choose_original(
    members: Sequence[CleanArticle],
    contained: Mapping[tuple[str, str], float],
    margin: float = 0.05,
) -> Choice:
    """The original among ``members``.

    ``contained[(x, y)]`` is the share of y's words aligned with x (the pair's
    relation coverage on y's side); pairs without a relation count as 0.
    """
    if len(members) == 1:
        return Choice(members[0].id, "the only version", True)
    dated = sorted(
        (t, a.id, a.published) for a in members if (t := timestamp(a.published)) is not None
    )
    if len(dated) >= 2 and dated[0][0] < dated[1][0]:
        # Undated versions could be older: then the choice is not certain.
        return Choice(dated[0][1], f"published first ({dated[0][2]})", len(dated) == len(members))

    ids = [a.id for a in members]
    complete = {
        x: sum(contained.get((x, y), 0.0) for y in ids if y != x) / (len(ids) - 1) for x in ids
    }
    credit = {a.id: wire_credit(a) for a in members}
    words = {a.id: sum(p.count(" ") + 1 for p in a.paragraphs) for a in members}
    ranked = sorted(
        ids, key=lambda x: (credit[x] is not None, complete[x], words[x], x), reverse=True
    )
    best, second = ranked[0], ranked[1]
    share = f"{complete[best]:.0%} of the other versions' text is found in it"
    if credit[best] and not credit[second]:
        return Choice(
            best, f"carries a wire credit ({credit[best]}) that the others lack; {share}", True
        )
    if complete[best] - complete[second] >= margin:
        lead = f"wire credit ({credit[best]}) on several versions; " if credit[best] else ""
        return Choice(
            best,
            f"{lead}most complete version: {share} (next {second}: {complete[second]:.0%})",
            True,
        )
    return Choice(
        best,
        f"evidence cannot tell: {best} and {second} are about as complete "
        f"({complete[best]:.0%} vs {complete[second]:.0%}); chose the longer",
        False,
    )
