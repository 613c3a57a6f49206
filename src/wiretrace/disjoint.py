"""Disjoint sets (union-find): which items are joined, directly or through others.

Copy families, lineages and the stories that tell boilerplate from reporting are each the
connected groups of a relation. One structure serves them: ``find`` halves the path it
walks (every other node points to its grandparent), so a long chain of joins costs nearly
nothing to walk again, and ``union`` says which root survives, since families and lineages
are named after theirs.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class DisjointSets(Generic[T]):
    """Items joined into groups; an item not seen before is a group of its own."""

    def __init__(self, items: Iterable[T] = ()):
        self.parent: dict[T, T] = {x: x for x in items}

    def __contains__(self, item: object) -> bool:
        return item in self.parent

    def find(self, item: T) -> T:
        """The root of ``item``'s group."""
        parent = self.parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, keep: T, other: T) -> T:
        """Join the groups of ``keep`` and ``other``; the root of ``keep``'s group stays the
        root of the joined group, and is returned."""
        root, gone = self.find(keep), self.find(other)
        if root != gone:
            self.parent[gone] = root
        return root

    def groups(self) -> dict[T, list[T]]:
        """Each root with its group's items, in the order the items were first seen."""
        out: dict[T, list[T]] = {}
        for item in list(self.parent):
            out.setdefault(self.find(item), []).append(item)
        return out
