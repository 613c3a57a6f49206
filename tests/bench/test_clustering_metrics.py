"""The clustering scores of the benchmarks (wiretrace_bench.clustering_metrics)."""

from wiretrace_bench.clustering_metrics import b_cubed_f1, pairwise_f1


def test_clustering_metrics():
    gold = ["x", "x", "y", "y"]
    assert b_cubed_f1(gold, [1, 1, 2, 2]) == 1.0
    assert pairwise_f1(gold, [1, 1, 2, 2]) == 1.0
    assert 0 < b_cubed_f1(gold, [1, 1, 1, 1]) < 1.0
    assert pairwise_f1(gold, [1, 2, 3, 4]) == 0.0
