"""The close-events benchmark (wiretrace_bench.close_events): pairs labelled by the rule."""

import json


def test_close_events_are_labelled_by_the_stated_rule(tmp_path):
    """Same topic and day with two rare title words in common: one event; the same
    actors' day a few days later: its close namesake; no namesake nearby: left out."""
    import gzip

    from wiretrace_bench import close_events as ce

    def row(n, day, title, topic="world", bias="left"):
        return {
            "id": f"a{n}",
            "date": day,
            "title": title,
            "topic": topic,
            "text": title,
            "bias_text": bias,
        }

    rows = [
        row(0, "2014-03-01", "Zorvik visits Quellan capital in secret"),
        row(1, "2014-03-01", "Secret Zorvik trip to Quellan capital revealed"),
        row(2, "2014-03-01", "Zorvik in Quellan capital: the secret visit"),
        row(3, "2014-03-01", "OPINION: Zorvik secret Quellan capital folly"),
        row(4, "2014-03-04", "Quellan halts missile tests, Zorvik says"),
        row(5, "2014-03-04", "Quellan moratorium on missile tests announced"),
        row(6, "2014-03-04", "Missile tests moratorium by Quellan"),
        row(7, "2014-05-20", "Bakery strike closes Vollund harbour"),
        row(8, "2014-05-20", "Vollund harbour bakery strike"),
        row(9, "2014-05-20", "Harbour strike in Vollund bakery"),
    ]
    folder = tmp_path / "allsides_baly2020"
    folder.mkdir()
    with gzip.open(folder / "articles.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    out = ce.close_events(tmp_path, common=0)  # too few titles to have common words
    events = {r["id"]: r["event"] for r in out}
    assert set(events) == {"a0", "a1", "a2", "a4", "a5", "a6"}  # no opinion, no lone event
    assert events["a0"] == events["a1"] == events["a2"] != events["a4"]
    assert events["a4"] == events["a5"] == events["a6"]
    assert {r["split"] for r in out} == {"dev"}
