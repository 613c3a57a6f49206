"""One decoding rule for every format (wiretrace.ingest.decode)."""

import re

from tests.ingest.helpers import read_articles

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
    articles, skipped = read_articles(_one_bad_byte(tmp_path))
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
    articles, skipped = read_articles(tmp_path)
    assert [a.text for a in articles] == ["Café owners called the rules “fair”.", "Café “fair”"]
    assert all(
        a.notes[0].startswith("decoded as Windows-1252: invalid UTF-8 at byte") for a in articles
    )


def test_utf16_with_a_bom_is_read_and_without_one_is_named(tmp_path):
    rows = '{"id": "u1", "text": "Caf\u00e9 \u2018cr\u00e8me\u2019"}\n{"id": "u2", "text": "two"}\n'
    (tmp_path / "bom.jsonl").write_bytes(rows.encode("utf-16"))
    (tmp_path / "bom.csv").write_bytes("id,text\nc1,Caf\u00e9\n".encode("utf-16"))
    (tmp_path / "nobom.jsonl").write_bytes(rows.encode("utf-16-le"))
    articles, skipped = read_articles(tmp_path)
    assert [(a.id, a.text, a.notes) for a in articles] == [
        ("c1", "Café", []),
        ("u1", "Café ‘crème’", []),
        ("u2", "two", []),
    ]
    assert {s.reason for s in skipped} == {"NUL bytes: UTF-16 without a byte order mark, or binary"}
