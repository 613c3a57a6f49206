"""The Spark engine's story slices and their reconciliation, as plain functions (no Spark)."""

from __future__ import annotations

import pytest

from wiretrace.records import CopyFamily, Relation, RelationKind
from wiretrace.spark.stories import (
    SliceStories,
    continue_stories,
    owned_pairs,
    plan_slices,
    whole_stories,
)

# Epoch days 19790 and 19800 start slices of 10 days: 2024-03-08 and 2024-03-18.
PUBLISHED = [
    "2024-03-05T12:00:00",  # 0: slice 1978, not within 2 days of 03-08
    "2024-03-07T06:00:00",  # 1: slice 1978, in the overlap of 1979
    "2024-03-08T00:00:00",  # 2: slice 1979
    None,  # 3: undated
    "2024-03-17T23:00:00",  # 4: slice 1979, in the overlap of 1980
    "2024-03-20T00:00:00",  # 5: slice 1980
    None,  # 6: undated
    None,  # 7: undated
]


def test_slices_of_publication_time_overlap_by_the_horizon():
    slices = plan_slices(PUBLISHED, slice_days=10, horizon_days=2, slice_undated=2)
    got = [(s.key, s.own, s.overlap) for s in slices]
    assert got == [
        ((0, 1978), [0, 1], []),
        ((0, 1979), [2, 4], [1]),
        ((0, 1980), [3, 5, 6], [4]),  # the first undated ones join the last dated slice
        ((1, 1), [7], [3, 6]),  # the rest: their own slices, the undated ones before as overlap
    ]
    owned = sorted(i for s in slices for i in s.own)
    assert owned == list(range(len(PUBLISHED)))  # each article owned once


def test_one_slice_when_everything_fits_and_without_a_horizon():
    assert [(s.own, s.overlap) for s in plan_slices(PUBLISHED, slice_days=3650)] == [
        (list(range(8)), [])
    ]
    assert [(s.own, s.overlap) for s in plan_slices(PUBLISHED, 10, horizon_days=None)] == [
        (list(range(8)), [])
    ]
    assert [(s.key, s.own) for s in plan_slices([None, None, None], slice_undated=2)] == [
        ((1, 0), [0, 1]),
        ((1, 1), [2]),
    ]
    assert plan_slices([]) == []
    with pytest.raises(ValueError):
        plan_slices(PUBLISHED, slice_days=0)


def test_a_horizon_longer_than_a_slice_reaches_back_several_slices():
    published = ["2024-03-01", "2024-03-09", "2024-03-16"]
    slices = plan_slices(published, slice_days=5, horizon_days=12)
    assert [(s.own, s.overlap) for s in slices] == [([0], []), ([1], [0]), ([2], [0, 1])]


def test_later_slices_continue_earlier_stories_and_never_relabel_them():
    first = SliceStories({"a", "b", "c", "d"}, [["a", "b"], ["c"], ["d"]])
    # the second slice reads b, c and d (its overlap) with its own e, f, g, h, i
    second = SliceStories(
        {"e", "f", "g", "h", "i"},
        [
            ["b", "c", "d", "e"],  # b, c and d: one each, a tie: b's (the earliest) continues
            ["c", "f"],  # continues c's story
            ["g", "h"],  # no overlap: a new story
            ["d"],  # only overlap: its slice already decided
            ["c", "i"],  # a second story continuing c's: moves there too, nothing merged
        ],
    )
    third = SliceStories({"j"}, [["c", "e", "j"]])  # e was the second slice's: a's story
    got = continue_stories([first, second, third])
    assert got == {
        "a": 0,
        "b": 0,
        "c": 1,
        "d": 2,
        "e": 0,
        "f": 1,
        "g": 3,
        "h": 3,
        "i": 1,
        "j": 1,  # c and e, one each: c comes first in the story's time order
    }


def test_the_majority_of_earlier_articles_decides():
    first = SliceStories({"a", "b", "c"}, [["a"], ["b", "c"]])
    second = SliceStories({"d"}, [["a", "b", "c", "d"]])
    assert continue_stories([first, second])["d"] == 1


def test_families_end_whole_in_the_story_holding_most_of_them():
    ids = ["x1", "x2", "y1", "late"]
    published = ["2024-03-01", "2024-03-01", "2024-03-02", "2024-03-20"]
    # "late" is a reprint of x1 in a slice of its own, where it started a story
    number = {"x1": 0, "x2": 0, "y1": 1, "late": 2}
    family = CopyFamily("family:x1", ["x1", "late"])
    stories = whole_stories(ids, published, number, [family])
    assert [(s.story, s.members, s.families) for s in stories] == [
        ("story:x1", ["x1", "x2", "late"], ["family:x1"]),
        ("story:y1", ["y1"], []),
    ]


def test_a_pair_is_given_by_the_slice_owning_one_of_its_articles_inside_one_story():
    def rel(a, b):
        return Relation.by_meaning(a, b, RelationKind.SAME_STORY, 0.5)

    relations = [rel("a", "b"), rel("b", "e"), rel("e", "f"), rel("a", "z")]
    assert [(r.a, r.b) for r in owned_pairs(relations, {"e", "f"})] == [("b", "e"), ("e", "f")]
    story_of = {"a": "s", "b": "s", "e": "t", "f": "t", "z": "s"}
    kept = owned_pairs(relations, {"a", "b", "e", "f", "z"}, story_of)
    assert [(r.a, r.b) for r in kept] == [("a", "b"), ("e", "f"), ("a", "z")]
