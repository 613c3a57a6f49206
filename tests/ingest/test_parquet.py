"""Parquet articles (wiretrace.ingest.parquet)."""

from tests.ingest.helpers import read_articles


def test_parquet_rows_are_read_as_jsonl_fields(tmp_path):
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": ["p1", "p2", None],
            "body": ["First text.", "Second text.", "No id."],  # an alias of text
            "date": [dt.datetime(2021, 12, 27, 10, 0), None, None],  # a timestamp column
            "clicks": [3, 4, 5],  # not read
        }
    )
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=2)
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    articles, skipped = read_articles(tmp_path)
    assert [(a.id, a.text, a.published, a.origin[-11:]) for a in articles] == [
        ("p1", "First text.", "2021-12-27T10:00:00", "t.parquet:1"),
        ("p2", "Second text.", None, "t.parquet:2"),
    ]
    reasons = {s.origin.rsplit("/", 1)[-1]: s.reason for s in skipped}
    assert reasons["t.parquet:3"] == "missing 'id'"
    assert reasons["broken.parquet"].startswith("not a readable Parquet file")
