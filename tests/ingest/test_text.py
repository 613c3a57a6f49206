"""Plain-text articles (wiretrace.ingest.text): one file each, its name the id."""

from tests.ingest.helpers import read_articles


def test_text_folder_ids_from_file_names(tmp_path):
    (tmp_path / "a.txt").write_text("Title A\n\nBody of a.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Title B\n\nBody of b.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("not read", encoding="utf-8")
    articles, skipped = read_articles(tmp_path)
    assert [a.id for a in articles] == ["a", "b"]
    assert all(a.title_in_text for a in articles)
    assert skipped == []
