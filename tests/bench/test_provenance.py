"""The planted-provenance benchmark's corpus: every source with its copies, truthful dates."""

from wiretrace.records import timestamp
from wiretrace_bench.provenance import KINDS, plant


def _rows(n: int) -> list[dict]:
    return [
        {
            "id": f"src{k}",
            "title": f"Story {k}",
            "text": "\n\n".join(
                f"Paragraph {p} of story {k} tells what happened on day {k} in town {p}."
                for p in range(7)
            ),
            "date": f"2021-03-{1 + k % 28:02d}T00:00:00+00:00",
        }
        for k in range(n)
    ]


def test_each_source_has_copies_published_with_or_after_it():
    planted = plant(_rows(40), 40, seed=5)
    assert len(planted.copies) == 40
    by_id = {r["id"]: r for r in planted.records}
    assert set(planted.kind.values()) <= set(KINDS) and len(set(planted.kind.values())) >= 5
    for source, copies in planted.copies.items():
        assert 1 <= len(copies) <= 3
        t_source = timestamp(by_id[source]["published"])
        for c in copies:
            assert by_id[c]["source"] != by_id[source]["source"]  # another outlet
            t_copy = timestamp(by_id[c]["published"])
            if (
                t_source is not None
                and t_copy is not None
                and planted.tie[c] != "same day (date only)"
            ):
                assert t_copy >= t_source  # a copy is never dated before its source
