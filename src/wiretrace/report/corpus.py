"""Who copies whom across a report: the data of its corpus page.

Each version of a lineage (a copy or rewrite of its original) is one pair: the version's
outlet against its original's. The direction comes from the lineage (the trace stage
chose the original, ``trace/original.py``); the kind from the relation between the two in
relations.jsonl, or, for a version related to the original only through another version,
from the derivation that placed it. Relations outside lineages (a shared block, a
same-story pair) have no direction and are not pairs. The page draws the outlet × outlet
matrix, lists the pairs of a cell, and names the most-copied originals.

An outlet is an article's ``source``, else its URL's host (``www.`` dropped), else
"(no outlet)".
"""

from __future__ import annotations

from urllib.parse import urlsplit

from wiretrace.records import RelationKind
from wiretrace.report.outputs import Outputs

NO_OUTLET = "(no outlet)"


def outlet_of(article: dict | None) -> str:
    """The outlet an article is shown under."""
    if not article:
        return NO_OUTLET
    if article.get("source"):
        return str(article["source"]).strip() or NO_OUTLET
    host = urlsplit(article["url"]).hostname if article.get("url") else None
    if host:
        return host.removeprefix("www.")
    return NO_OUTLET


def copy_pairs(outputs: Outputs) -> dict:
    """``{"outlets": [...], "pairs": [[version, version outlet, original, original outlet,
    relation, story, a, b], ...], "originals": {id: [title, outlet, story]}}``.

    Outlets are indices into ``outlets``, which lists them by the pairs they are in, most
    first. ``a``/``b`` name the relation of the pair as relations.jsonl writes it (the
    report's side-by-side address), or are null when the two have none directly.
    """
    relations = {frozenset((r["a"], r["b"])): r for r in outputs.relations}
    story_of = {m: s["story"] for s in outputs.stories for m in s["members"]}
    raw = []
    for g in outputs.lineages:
        original = g["original"]
        placed_by = {d["derived"]: d for d in g["derivations"]}
        for member in g["members"]:
            if member == original:
                continue
            direct = relations.get(frozenset((member, original)))
            if direct is not None:
                kind, a, b = direct["relation"], direct["a"], direct["b"]
            else:
                placed = placed_by.get(member, {})
                kind, a, b = placed.get("relation", RelationKind.UNKNOWN), None, None
            story = story_of.get(original) or g.get("story")
            raw.append((member, original, kind, story, a, b))
    counts: dict[str, int] = {}
    for member, original, *_ in raw:
        for x in (member, original):
            name = outlet_of(outputs.articles.get(x))
            counts[name] = counts.get(name, 0) + 1
    outlets = sorted(counts, key=lambda o: (-counts[o], o))
    at = {o: k for k, o in enumerate(outlets)}
    pairs = [
        [
            member,
            at[outlet_of(outputs.articles.get(member))],
            original,
            at[outlet_of(outputs.articles.get(original))],
            kind,
            story,
            a,
            b,
        ]
        for member, original, kind, story, a, b in raw
    ]
    originals = {
        original: [
            (outputs.articles.get(original) or {}).get("title") or "",
            at[outlet_of(outputs.articles.get(original))],
            story,
        ]
        for _, original, _, story, _, _ in raw
    }
    return {"outlets": outlets, "pairs": pairs, "originals": originals}
