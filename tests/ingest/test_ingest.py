import gzip
import re

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
    with pytest.raises(InputMissing, match="missing.jsonl: no such file or folder$"):
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


# -- one decoding rule for every format -------------------------------------------------------
STORY = "The café’s owner said the “new” rules were fair."


def _one_bad_byte(tmp_path):
    """The same record in each format with one stray byte (0xFF) in its UTF-8 text."""
    text = STORY.encode() + b" \xff Then it rained."
    (tmp_path / "a.txt").write_bytes(b"Title\n\n" + text)
    (tmp_path / "b.jsonl").write_bytes(b'{"id": "b", "title": "T", "text": "' + text + b'"}\n')
    (tmp_path / "c.csv").write_bytes(b'id,title,text\nc,T,"' + text + b'"\n')
    (tmp_path / "d.html").write_bytes(b"<html><body><h1>T</h1><p>" + text + b"</p></body></html>")
    return tmp_path


def test_one_bad_byte_keeps_the_utf8_and_says_so_in_every_format(tmp_path):
    articles, skipped = _read(_one_bad_byte(tmp_path))
    assert skipped == [] and len(articles) == 4
    for a in articles:
        assert f"{STORY} \ufffd Then it rained." in a.text, a.id
        (note,) = a.notes
        assert re.fullmatch(r"invalid UTF-8 replaced: 1 bad byte sequence from byte \d+ on", note)


def test_a_record_in_windows_1252_is_read_as_such_with_a_note(tmp_path):
    legacy = "id,text\nw,Caf\u00e9 owners called the rules \u201cfair\u201d.\n".encode("cp1252")
    (tmp_path / "legacy.csv").write_bytes(legacy)
    (tmp_path / "legacy.jsonl").write_bytes(
        '{"id": "j", "text": "Caf\u00e9 \u201cfair\u201d"}\n'.encode("cp1252")
    )
    articles, skipped = _read(tmp_path)
    assert [a.text for a in articles] == ["Café owners called the rules “fair”.", "Café “fair”"]
    assert all(
        a.notes[0].startswith("decoded as Windows-1252: invalid UTF-8 at byte") for a in articles
    )


def test_utf16_with_a_bom_is_read_and_without_one_is_named(tmp_path):
    rows = '{"id": "u1", "text": "Caf\u00e9 \u2018cr\u00e8me\u2019"}\n{"id": "u2", "text": "two"}\n'
    (tmp_path / "bom.jsonl").write_bytes(rows.encode("utf-16"))
    (tmp_path / "bom.csv").write_bytes("id,text\nc1,Caf\u00e9\n".encode("utf-16"))
    (tmp_path / "nobom.jsonl").write_bytes(rows.encode("utf-16-le"))
    articles, skipped = _read(tmp_path)
    assert [(a.id, a.text, a.notes) for a in articles] == [
        ("c1", "Café", []),
        ("u1", "Café ‘crème’", []),
        ("u2", "two", []),
    ]
    assert {s.reason for s in skipped} == {"NUL bytes: UTF-16 without a byte order mark, or binary"}


# -- Parquet --------------------------------------------------------------------------------
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
    articles, skipped = _read(tmp_path)
    assert [(a.id, a.text, a.published, a.origin[-11:]) for a in articles] == [
        ("p1", "First text.", "2021-12-27T10:00:00", "t.parquet:1"),
        ("p2", "Second text.", None, "t.parquet:2"),
    ]
    reasons = {s.origin.rsplit("/", 1)[-1]: s.reason for s in skipped}
    assert reasons["t.parquet:3"] == "missing 'id'"
    assert reasons["broken.parquet"].startswith("not a readable Parquet file")


# -- names, patterns and folders ---------------------------------------------------------------
def test_glob_patterns_are_expanded_in_name_order(tmp_path):
    from wiretrace.ingest import input_files

    for name in ("b.jsonl", "a.jsonl", "c.csv"):
        (tmp_path / name).write_bytes(b"")
    got = list(input_files([str(tmp_path / "*.jsonl"), str(tmp_path / "*.none")]))
    assert [p.name for p in got[:2]] == ["a.jsonl", "b.jsonl"]
    assert got[2] == Skipped(str(tmp_path / "*.none"), "no file matches the pattern")


def test_a_file_named_like_a_pattern_is_read_as_itself(tmp_path):
    from wiretrace.ingest import input_files

    odd = tmp_path / "odd[1].jsonl"
    odd.write_bytes(orjson.dumps({"id": "o", "text": "x"}) + b"\n")
    assert list(input_files([str(odd)])) == [odd]
