import numpy as np

from wiretrace.candidates import candidate_pairs


def _pairs(keys, owners, **kw):
    pairs, stats = candidate_pairs(np.array(keys, dtype=np.uint64), np.array(owners), **kw)
    return [tuple(p) for p in pairs.tolist()], stats


def test_pairs_from_shared_keys_deduplicated():
    pairs, stats = _pairs([5, 5, 5, 9, 9, 7, 5], [0, 1, 2, 2, 0, 3, 0], max_bucket=10)
    assert pairs == [(0, 1), (0, 2), (1, 2)]
    assert stats.buckets == 2


def test_same_article_twice_in_a_bucket_is_no_pair():
    pairs, _ = _pairs([4, 4, 4], [3, 3, 3], max_bucket=10)
    assert pairs == []


def test_only_pairs_with_a_new_article():
    pairs, _ = _pairs([1, 1, 1, 1], [0, 1, 2, 3], max_bucket=10, new_from=2)
    assert pairs == [(0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]


def test_huge_bucket_is_capped_and_counted():
    n = 50
    pairs, stats = _pairs([3] * n, list(range(n)), max_bucket=10)
    assert len(pairs) == 45  # pairs among the first 10
    assert stats.capped_buckets == 1


def test_sharded_sort_gives_the_same_pairs(monkeypatch):
    from wiretrace import candidates

    rng = np.random.default_rng(5)
    keys = rng.integers(0, 3000, size=20000).astype(np.uint64)
    owners = np.sort(rng.integers(0, 4000, size=20000)).astype(np.int32)
    whole, stats = candidates.candidate_pairs(keys, owners, max_bucket=50)
    monkeypatch.setattr(candidates, "SHARD_KEYS", 3000)
    sharded, sharded_stats = candidates.sharded_candidate_pairs(keys, owners, max_bucket=50)
    assert len(whole) > 1000
    assert np.array_equal(whole, sharded)
    assert (stats.pairs, stats.buckets, stats.capped_buckets) == (
        sharded_stats.pairs,
        sharded_stats.buckets,
        sharded_stats.capped_buckets,
    )
