"""Reading the inputs (wiretrace.ingest): files, folders and patterns, errors, the size cap."""

import orjson
import pytest

from tests.ingest.helpers import read_articles
from wiretrace.errors import InputMissing, NoRecords
from wiretrace.ingest import read_inputs
from wiretrace.records import Skipped


def test_bad_files_are_reported_not_fatal(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 cr\xe8me\n\nUne histoire.".encode("cp1252"))
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    articles, skipped = read_articles(tmp_path)
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
    _, skipped = read_articles(tmp_path)  # one record, skipped with its reason: not an error
    assert [s.reason for s in skipped] == ["unsupported file type (.md)"]


def test_huge_article_is_cut_with_a_note(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_bytes(orjson.dumps({"id": "big", "text": "word " * 50_000}) + b"\n")
    articles, _ = read_articles(path, max_chars=10_000)
    assert len(articles[0].text) == 10_000
    assert "cut to 10000" in articles[0].notes[0]


# -- one decoding rule for every format -------------------------------------------------------


# -- Parquet --------------------------------------------------------------------------------


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
