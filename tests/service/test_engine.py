"""The service's engine (wiretrace.service.engine): rounds of posted batches."""

from __future__ import annotations


def test_rounds_keep_posting_order_and_part_overlapping_posts():
    from wiretrace.service.engine import Job, rounds

    def job(n: int, *ids: str) -> Job:
        return Job(n, "ingest", [{"id": i} for i in ids])

    jobs = [job(1, "a", "b"), job(2, "c"), job(3, "b", "d"), job(4, "e"), job(5, "f", "g")]
    got = [[j.number for j in r] for r in rounds(jobs, max_articles=100)]
    assert got == [[1, 2], [3, 4, 5]]  # 3 shares "b" with 1: it starts the next round
    got = [[j.number for j in r] for r in rounds(jobs, max_articles=3)]
    assert got == [[1, 2], [3, 4], [5]]  # and no round holds more than 3 articles
    assert [[j.number for j in r] for r in rounds([job(7, "x", "x")], 100)] == [[7]]
