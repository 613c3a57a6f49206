"""CSV articles (wiretrace.ingest.csv_table)."""

from tests.ingest.helpers import read_articles


def test_csv_rows(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,title,text\nc1,Head,"Body, with comma"\nc2,only two\n\n', encoding="utf-8")
    articles, skipped = read_articles(path)
    assert [(a.id, a.title, a.text) for a in articles] == [("c1", "Head", "Body, with comma")]
    assert skipped[0].reason == "row has 2 fields, header has 3"
