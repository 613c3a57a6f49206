"""Helpers of the ingest tests."""

from wiretrace.ingest import read_inputs
from wiretrace.records import Article, Skipped


def read_articles(*paths, max_chars=400_000):
    records = list(read_inputs(paths, max_chars))
    return [r for r in records if isinstance(r, Article)], [
        r for r in records if isinstance(r, Skipped)
    ]


def relations(result):
    return {(r.a, r.b, r.relation, len(r.evidence)) for r in result.relations}
