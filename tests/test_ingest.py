import gzip

import orjson
import pytest

from wiretrace.errors import InputMissing, NoRecords
from wiretrace.ingest import read_inputs
from wiretrace.records import Article, Skipped


def _read(*paths, max_chars=400_000):
    records = list(read_inputs(paths, max_chars))
    return [r for r in records if isinstance(r, Article)], [
        r for r in records if isinstance(r, Skipped)
    ]


def test_text_folder_ids_from_file_names(tmp_path):
    (tmp_path / "a.txt").write_text("Title A\n\nBody of a.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Title B\n\nBody of b.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("not read", encoding="utf-8")
    articles, skipped = _read(tmp_path)
    assert [a.id for a in articles] == ["a", "b"]
    assert all(a.title_in_text for a in articles)
    assert skipped == []


def test_jsonl_fields_and_bad_lines(tmp_path):
    path = tmp_path / "in.jsonl"
    lines = [
        orjson.dumps(
            {
                "id": "x1",
                "text": "Some text here.",
                "title": "T",
                "url": "http://a/1",
                "source": "A",
                "published": "2021-12-27",
            }
        ),
        b"{not json",
        orjson.dumps(["a list"]),
        orjson.dumps({"text": "no id"}),
        orjson.dumps({"id": "x2"}),
        orjson.dumps({"id": "x3", "text": "   "}),
        orjson.dumps({"id": 7, "text": "numeric id is fine"}),
        b"",
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    articles, skipped = _read(path)
    assert [(a.id, a.title, a.url, a.source, a.published) for a in articles] == [
        ("x1", "T", "http://a/1", "A", "2021-12-27"),
        ("7", "", None, None, None),
    ]
    reasons = [s.reason for s in skipped]
    assert reasons[0].startswith("malformed JSON")
    assert skipped[0].origin.endswith("in.jsonl:2")
    assert reasons[1:] == [
        "record is a list, not an object",
        "missing 'id'",
        "missing 'text'",
        "empty 'text'",
    ]


def test_jsonl_gz_and_truncated_gzip(tmp_path):
    good = tmp_path / "good.jsonl.gz"
    with gzip.open(good, "wb") as fh:
        for i in range(3):
            fh.write(orjson.dumps({"id": f"g{i}", "text": f"text {i}"}) + b"\n")
    data = good.read_bytes()
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(data[: len(data) // 2])
    articles, skipped = _read(good)
    assert [a.id for a in articles] == ["g0", "g1", "g2"]
    _, skipped = _read(bad)
    assert len(skipped) == 1 and "unreadable from here on" in skipped[0].reason


def test_csv_rows(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,title,text\nc1,Head,"Body, with comma"\nc2,only two\n\n', encoding="utf-8")
    articles, skipped = _read(path)
    assert [(a.id, a.title, a.text) for a in articles] == [("c1", "Head", "Body, with comma")]
    assert skipped[0].reason == "row has 2 fields, header has 3"


def test_bad_files_are_reported_not_fatal(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 cr\xe8me\n\nUne histoire.".encode("cp1252"))
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    articles, skipped = _read(tmp_path)
    assert [a.id for a in articles] == ["latin"]
    assert articles[0].text.startswith("Café crème")
    assert "decoded as Windows-1252" in articles[0].notes[0]
    by_origin = {s.origin.rsplit("/", 1)[-1]: s.reason for s in skipped}
    assert by_origin["empty.txt"] == "empty file"
    assert by_origin["blank.txt"] == "empty file"
    assert by_origin["binary.txt"].startswith("binary content")
    assert by_origin["photo.png"] == "unsupported file type (.png)"


def test_a_missing_path_is_an_error_before_anything_is_read(tmp_path):
    (tmp_path / "a.txt").write_text("A title\n\nSome text of an article.")
    with pytest.raises(InputMissing, match="no such file or folder: .*missing.jsonl$"):
        read_inputs([tmp_path, tmp_path / "missing.jsonl"])  # raised by the call itself


def test_inputs_without_a_single_record_are_an_error(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / ".hidden.txt").write_text("hidden files are not read")
    with pytest.raises(NoRecords, match="no records in"):
        list(read_inputs([tmp_path]))
    (tmp_path / "notes.md").write_text("a file of a type wiretrace does not read")
    _, skipped = _read(tmp_path)  # one record, skipped with its reason: not an error
    assert [s.reason for s in skipped] == ["unsupported file type (.md)"]


def test_huge_article_is_cut_with_a_note(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_bytes(orjson.dumps({"id": "big", "text": "word " * 50_000}) + b"\n")
    articles, _ = _read(path, max_chars=10_000)
    assert len(articles[0].text) == 10_000
    assert "cut to 10000" in articles[0].notes[0]
