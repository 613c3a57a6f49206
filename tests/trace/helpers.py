"""Helpers of the trace tests: articles and relations made by hand, and the seeds' ids."""

from wiretrace.records import AlignedPassage, CleanArticle, Relation

A000, A001, A002 = "000_893a4a60c7c50d30", "001_4c9c80885384a75a", "002_005f1038b4d1bee6"


def make_article(id_, paragraphs, published=None, byline=None):
    return CleanArticle(
        id=id_,
        title=id_,
        paragraphs=paragraphs,
        removed=[],
        removed_reasons=[],
        published=published,
        byline=byline,
    )


def make_relation(a, b, pairs, cov_a, cov_b, kind="copy"):
    evidence = [AlignedPassage(i, 0, 1, j, 0, 1, 1.0, 10) for i, j in pairs]
    return Relation(a, b, kind, cov_a, cov_b, 0.5, cov_a, cov_b, evidence)


TIED = "2021-12-27T10:00:00+00:00"


SOURCE = [
    "The council voted on Monday to close the old harbour bridge to traffic.",
    "Engineers found cracks in two of its piers during a routine inspection in May.",
    "The mayor said a ferry would run every twenty minutes until a new bridge opens.",
]
