"""Bounded byte streams: lines read up to a cap, gzip under a ratio cap, UTF-16 as UTF-8."""

from __future__ import annotations

import gzip
import io
import zlib

import pytest

from wiretrace.ingest import streams
from wiretrace.ingest.streams import (
    GZIP_RATIO_AFTER,
    DecompressionBomb,
    LongLine,
    bounded_lines,
    open_input,
)


def _lines(data: bytes, cap: int) -> list[bytes | LongLine]:
    return list(bounded_lines(io.BufferedReader(io.BytesIO(data)), cap))


@pytest.mark.parametrize("chunk", [2**20, 3, 4])
def test_lines_over_the_cap_are_counted_not_kept(monkeypatch, chunk):
    """The same lines whether a line comes in one read or in several (the chunk size)."""
    monkeypatch.setattr(streams, "_CHUNK", chunk)
    data = b"ab\nabcdef\nabcde\n\nxyz"
    assert _lines(data, 5) == [b"ab\n", LongLine(7), b"abcde\n", b"\n", b"xyz"]
    assert _lines(b"abcdef", 5) == [LongLine(6)]  # no line break at the end
    assert _lines(b"abcde", 5) == [b"abcde"]


def test_a_long_line_is_never_held_whole(monkeypatch):
    """Past the cap the parts read are dropped: the largest part held is the cap's."""
    held = []

    class Watch(io.BufferedReader):
        def readline(self, limit=-1):
            part = super().readline(limit)
            held.append(len(part))
            return part

    monkeypatch.setattr(streams, "_CHUNK", 1000)
    lines = list(bounded_lines(Watch(io.BytesIO(b"x" * 100_000 + b"\nok\n")), 5000))
    assert lines == [LongLine(100_001), b"ok\n"]
    assert max(held) <= 1000


def _bomb(path, size: int):
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write(b'{"id": "first", "text": "kept"}\n')
        for _ in range(size // 2**20):
            fh.write(b"a" * 2**20)
    return path


def test_gzip_over_the_ratio_stops_after_the_first_megabytes(tmp_path):
    path = _bomb(tmp_path / "bomb.jsonl.gz", 4 * GZIP_RATIO_AFTER)
    stream = open_input(path)
    read = 0
    with pytest.raises(DecompressionBomb, match="decompressed to over 100 times its size"):
        while block := stream.read(2**20):
            read += len(block)
    assert GZIP_RATIO_AFTER <= read < 2 * GZIP_RATIO_AFTER


def test_gzip_of_text_reads_whole(tmp_path):
    """Text compresses far below the cap: 20 MB of varied lines read to the end."""
    path = tmp_path / "text.gz"
    lines = b"".join(b"line %d of a story about the harbour\n" % i for i in range(500_000))
    path.write_bytes(gzip.compress(lines))
    with open_input(path) as stream:
        assert stream.read() == lines


def test_utf16_with_a_bom_is_read_as_utf8(tmp_path):
    text = '{"id": "é1", "text": "Café ‘crème’"}\n{"id": "2", "text": "日本"}\n'
    for encoding in ("utf-16", "utf-16-be"):
        path = tmp_path / f"{encoding}.jsonl"
        bom = b"\xfe\xff" if encoding == "utf-16-be" else b""
        path.write_bytes(bom + text.encode(encoding))
        with open_input(path) as stream:
            assert list(bounded_lines(stream, 1000)) == [
                line.encode() for line in text.splitlines(keepends=True)
            ]


def test_utf16_damage_comes_out_as_bytes_that_are_not_utf8(tmp_path):
    """A lone surrogate and an odd last byte: left for the decoding rule to replace."""
    path = tmp_path / "bad.jsonl"
    path.write_bytes("ab".encode("utf-16") + b"\x00\xd8" + b"c\x00" + b"\x41")
    with open_input(path) as stream:
        (data,) = bounded_lines(stream, 1000)
    assert data.startswith(b"ab") and data.endswith(b"c\xff")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_a_damaged_gzip_fails_where_it_is_read_not_when_opened(tmp_path):
    path = tmp_path / "cut.jsonl.gz"
    text = b"".join(b"line %d\n" % i for i in range(100_000))
    path.write_bytes(gzip.compress(text)[:5000])
    stream = open_input(path)  # nothing read yet
    with pytest.raises((EOFError, OSError, zlib.error)):
        list(bounded_lines(stream, 1000))
