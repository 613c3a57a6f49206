"""Disjoint sets: groups joined through others, the kept root, first-seen order."""

from __future__ import annotations

from wiretrace.disjoint import DisjointSets


def test_items_joined_through_others_are_one_group_under_the_kept_root():
    sets = DisjointSets(["a", "b", "c", "d", "e"])
    assert sets.union("a", "b") == "a"
    sets.union("c", "b")  # c's root stays: the joined group's root is c
    assert sets.find("a") == sets.find("b") == "c"
    assert sets.groups() == {"c": ["a", "b", "c"], "d": ["d"], "e": ["e"]}
    assert "e" in sets and "z" not in sets


def test_an_item_first_seen_by_find_is_a_group_of_its_own_and_long_chains_flatten():
    sets: DisjointSets[int] = DisjointSets()
    for k in range(1, 1000):
        sets.union(k, k - 1)  # a chain 0 <- 1 <- ... <- 999
    assert sets.find(0) == 999
    assert len(sets.groups()) == 1 and sorted(sets.groups()[999]) == list(range(1000))
    assert sets.find(5000) == 5000 and len(sets.groups()) == 2
