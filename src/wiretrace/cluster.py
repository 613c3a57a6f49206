"""Copy families: articles that are copies of one text, without chaining.

Plain connected components over "shares text" edges chain unrelated articles
through one that carries both texts (a page with a stitched-in story) or
through a shared template: other tools end with one cluster of 743,779
documents that shared only boilerplate. Here:

* only strong edges join families: ``duplicate``, ``copy``, or ``partial``
  where one article's aligned passages cover at least ``family_min_coverage``
  of it (one contains a large part of the other); shared blocks alone never do;
* edges are taken strongest first (Kruskal order, so the result does not
  depend on input order);
* two families merge only if their *anchors* (longest members) are
  themselves related that strongly, checked on the text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wiretrace.disjoint import DisjointSets
from wiretrace.records import COPY_RELATIONS, WHOLE_COPY_RELATIONS, CopyFamily, Relation
from wiretrace.settings import Settings


@dataclass(frozen=True, slots=True)
class ClusterSettings(Settings):
    """How relations join copy families (section ``cluster`` of a settings file)."""

    SECTION = "cluster"

    #: A relation joins two families only if the families' largest members are
    #: related with at least this coverage of the smaller one (no chaining).
    family_min_coverage: float = 0.5


_RANK = {kind: len(COPY_RELATIONS) - k for k, kind in enumerate(COPY_RELATIONS)}


def strength(rel: Relation) -> float:
    return max(rel.coverage_a, rel.coverage_b)


def joins_family(rel: Relation | None, min_coverage: float) -> bool:
    if rel is None:
        return False
    return rel.relation in WHOLE_COPY_RELATIONS or strength(rel) >= min_coverage


def copy_families(
    ids: list[str],
    relations: list[Relation],
    words: dict[str, int],
    relate: Callable[[str, str], Relation | None],
    min_coverage: float,
) -> list[CopyFamily]:
    """Families of two or more members; ``relate(a, b)`` verifies anchors on demand."""
    sets = DisjointSets(ids)
    anchor = {i: i for i in ids}
    edges = [r for r in relations if joins_family(r, min_coverage) and r.a in sets and r.b in sets]
    edges.sort(key=lambda r: (-_RANK[r.relation], -strength(r), r.a, r.b))
    known: dict[frozenset[str], Relation | None] = {frozenset((r.a, r.b)): r for r in relations}
    for rel in edges:
        ra, rb = sets.find(rel.a), sets.find(rel.b)
        if ra == rb:
            continue
        xa, xb = anchor[ra], anchor[rb]
        pair = frozenset((xa, xb))
        if xa != xb and pair != frozenset((rel.a, rel.b)):
            if pair not in known:
                known[pair] = relate(xa, xb)
            if not joins_family(known[pair], min_coverage):
                continue
        sets.union(ra, rb)
        anchor[ra] = max((xa, xb), key=lambda i: (words.get(i, 0), i))

    groups = sets.groups()
    families = []
    for root, members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: (-words.get(i, 0), i))
        families.append(CopyFamily(family=f"family:{anchor[root]}", members=members))
    families.sort(key=lambda f: (-len(f.members), f.family))
    return families
