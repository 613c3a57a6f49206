import random

from wiretrace.cluster import copy_families
from wiretrace.records import Relation


def _rel(a, b, kind, cov_a, cov_b):
    return Relation(a, b, kind, cov_a, cov_b, min(cov_a, cov_b), cov_a, cov_b, [])


def _families(ids, relations, words, extra=None):
    extra = extra or {}

    def relate(a, b):
        return extra.get(frozenset((a, b)))

    return [f.members for f in copy_families(ids, relations, words, relate, 0.5)]


def test_copies_form_one_family_and_singletons_none():
    rels = [_rel("a", "b", "copy", 0.9, 0.9), _rel("b", "c", "duplicate", 1, 1)]
    words = {"a": 300, "b": 280, "c": 280, "d": 100}
    assert _families(list("abcd"), rels, words, {frozenset("ac"): rels[0]}) == [["a", "b", "c"]]


def test_shared_template_block_does_not_chain_stories():
    # Five different stories each share a small block (10% of each): partial, never a family.
    ids = [f"s{i}" for i in range(5)]
    rels = [_rel(a, b, "partial", 0.1, 0.1) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    assert _families(ids, rels, dict.fromkeys(ids, 500)) == []


def test_stitched_in_paragraphs_do_not_pull_their_story_in():
    # r is a reprint of w with two paragraphs of story f stitched in (20% of f).
    rels = [_rel("r", "w", "copy", 0.8, 0.85), _rel("f", "r", "partial", 0.2, 0.15)]
    words = {"w": 600, "r": 620, "f": 400}
    assert _families(["w", "r", "f"], rels, words) == [["r", "w"]]


def test_families_merge_only_when_their_anchors_are_related():
    # x1~x2 and y1~y2 are copy pairs; a weak partial x2~y1 must not merge the families.
    rels = [
        _rel("x1", "x2", "copy", 0.9, 0.9),
        _rel("y1", "y2", "copy", 0.9, 0.9),
        _rel("x2", "y1", "partial", 0.6, 0.5),
    ]
    words = {"x1": 500, "x2": 400, "y1": 450, "y2": 300}
    assert sorted(_families(list(words), rels, words)) == [["x1", "x2"], ["y1", "y2"]]


def test_result_does_not_depend_on_relation_order():
    rels = [
        _rel("a", "b", "copy", 0.9, 0.8),
        _rel("b", "c", "copy", 0.75, 0.8),
        _rel("c", "d", "partial", 0.3, 0.7),
        _rel("e", "f", "duplicate", 1, 1),
    ]
    words = {"a": 500, "b": 450, "c": 400, "d": 200, "e": 100, "f": 100}
    extra = {frozenset(p): _rel(*p, "copy", 0.8, 0.8) for p in [("a", "c"), ("a", "d")]}
    expected = _families(list(words), rels, words, extra)
    for seed in range(5):
        shuffled = rels[:]
        random.Random(seed).shuffle(shuffled)
        assert _families(list(words), shuffled, words, extra) == expected
