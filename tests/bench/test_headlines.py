"""The headlines benchmark's scores (wiretrace_bench.headlines)."""


def test_bench_headlines_scores():
    from wiretrace_bench.headlines import co_membership, first_sentence

    gold, pred = ["a", "a", "b", "b"], ["x", "x", "x", "y"]
    assert co_membership(gold, pred)[:2] == (1 / 3, 1 / 2)
    # pairs holding item 2 only: gold has (2, 3), the prediction (0, 2) and (1, 2)
    assert co_membership(gold, pred, among=[False, False, True, False]) == (0.0, 0.0, 0.0)
    assert first_sentence("\nThe vote passed 52-48. Senators left.\n\nMore.") == (
        "The vote passed 52-48."
    )
