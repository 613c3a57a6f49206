"""Input files as byte streams that no input can make unbounded.

The readers of records (JSONL, CSV, standard input) read through here, so what one hostile
file can cost a run is bounded while it is read, not checked after:

- **gzip** is decompressed as it is read, and given up on (the reader says so, and keeps
  what it read before) once it has put out more than :data:`MAX_GZIP_RATIO` times the
  compressed bytes it has taken in, past the first :data:`GZIP_RATIO_AFTER` bytes. News text
  compresses about 3:1 (AllSides' articles.jsonl.gz: 243,403,196 bytes from 88,391,547,
  2.75:1); gzip's own ceiling, reached by a "bomb" of one repeated byte, is about 1,030:1
  (100 MiB of one byte at level 9: 101,942 bytes). So a 5 MB file that expands to 5 GB
  stops once it has put out 16 MiB.
- **lines** are read up to a cap and never whole past it (:func:`bounded_lines`): a longer
  line is counted to its end in chunks and handed on as its size only.
- **UTF-16** with a byte order mark is transcoded to UTF-8 as it is read
  (:func:`utf8_stream`), so the line, field and decoding rules apply to it unchanged.
"""

from __future__ import annotations

import codecs
import gzip
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from wiretrace.records import Article, Skipped

#: A gzip stream may put out at most this many bytes per compressed byte read ...
MAX_GZIP_RATIO = 100
#: ... once it has put out this many (a small file may be all one repeated byte).
GZIP_RATIO_AFTER = 16 * 2**20
#: Bytes of a line read at a time (a line over the cap is counted to its end by these).
_CHUNK = 2**20
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class DecompressionBomb(OSError):
    """A gzip stream that expands past :data:`MAX_GZIP_RATIO`."""


@dataclass(frozen=True, slots=True)
class LongLine:
    """A line over the cap: its size in bytes (the line break included), never its bytes."""

    size: int


class _RatioGuard(io.RawIOBase):
    """A gzip file's decompressed bytes, raising :class:`DecompressionBomb` past the ratio."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._gzip = gzip.GzipFile(fileobj=raw, mode="rb")
        self._out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._gzip.readinto(buffer)
        self._out += n
        if self._out > GZIP_RATIO_AFTER and self._out > MAX_GZIP_RATIO * max(1, self._raw.tell()):
            raise DecompressionBomb(
                f"decompressed to over {MAX_GZIP_RATIO} times its size "
                f"({self._out} bytes from {self._raw.tell()}: a gzip bomb?)"
            )
        return n

    def close(self) -> None:
        self._gzip.close()
        self._raw.close()
        super().close()


class _Utf8FromUtf16(io.RawIOBase):
    """A UTF-16 stream (its BOM first) as UTF-8. Lone surrogates and a dangling last byte
    come out as bytes that are not UTF-8, so the reader's decoding rule replaces and notes
    them as it does any other bad bytes."""

    def __init__(self, source: BinaryIO):
        self._source = source
        self._decoder = codecs.getincrementaldecoder("utf-16")(errors="surrogatepass")
        self._pending = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending and not self._done:
            block = self._source.read(_CHUNK)
            self._done = not block
            try:
                text = self._decoder.decode(block, final=self._done)
            except UnicodeDecodeError:  # an odd byte at the very end
                text, self._pending = "", b"\xff"
            self._pending += text.encode("utf-8", "surrogatepass")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        self._source.close()
        super().close()


def open_input(path: Path) -> BinaryIO:
    """``path`` for reading as bytes, decompressed (under the ratio cap) when it ends in
    ``.gz``. Nothing is read yet: a damaged file fails where its reader reads it."""
    raw = open(path, "rb")  # noqa: SIM115 - returned open, closed by the caller
    if path.name.lower().endswith(".gz"):
        return io.BufferedReader(_RatioGuard(raw), buffer_size=_CHUNK)
    return raw


def read_file(
    path: Path, read_stream: Callable[[BinaryIO, str], Iterator[Article | Skipped]]
) -> Iterator[Article | Skipped]:
    """``read_stream`` over the file at ``path`` (see :func:`open_input`); a file that cannot
    be opened is one skipped record with the system's reason."""
    try:
        stream = open_input(path)
    except OSError as exc:
        yield Skipped(str(path), f"cannot read file: {exc.strerror or exc}")
        return
    with stream:
        yield from read_stream(stream, str(path))


def utf8_stream(stream: BinaryIO) -> BinaryIO:
    """``stream`` itself, or, when it starts with a UTF-16 byte order mark, its text in UTF-8.

    ``stream`` must be buffered (it is peeked at, not read)."""
    head = stream.peek(2)[:2] if hasattr(stream, "peek") else b""
    if head in _UTF16_BOMS:
        return io.BufferedReader(_Utf8FromUtf16(stream), buffer_size=_CHUNK)
    return stream


def bounded_lines(stream: BinaryIO, max_bytes: int) -> Iterator[bytes | LongLine]:
    """The lines of ``stream`` (each with its line break; UTF-16 with its BOM as UTF-8), a
    line over ``max_bytes`` as a :class:`LongLine`: at most ``max_bytes`` of a line are ever
    held, the rest is counted. Nothing is read before the first line is asked for."""
    stream = utf8_stream(stream)
    while part := stream.readline(_CHUNK):
        parts, size = [part], len(part)
        while not part.endswith(b"\n") and (part := stream.readline(_CHUNK)):
            size += len(part)
            if parts and size <= max_bytes + 1:
                parts.append(part)
            else:
                parts = []  # over the cap: the rest of the line is only counted
        if parts and size - parts[-1].endswith(b"\n") <= max_bytes:
            yield b"".join(parts)
        else:
            yield LongLine(size)
