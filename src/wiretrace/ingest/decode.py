"""Bytes to text, with the reason when it cannot be done.

News files arrive in every encoding. UTF-8 (with or without BOM) and UTF-16 with a BOM are
taken as they are. Bytes that are not valid UTF-8 are read by one rule (:func:`decode_utf8`),
for every format and one record at a time (a JSONL line, a CSV row's lines, a text file):

- text that is UTF-8 but for a few bad bytes (a truncated character, one stray Latin-1 byte)
  keeps its UTF-8, the bad bytes replaced with U+FFFD, and a note says how many: read as
  Windows-1252, one bad byte would turn every other accented letter and curly quote of the
  record into mojibake;
- text with no more valid UTF-8 sequences than invalid ones is in a legacy 8-bit encoding,
  read as Windows-1252 (the usual one; Latin-1 in the byte ranges they share), with a note.

Binary content (NUL bytes or many control characters) is refused.
"""

from __future__ import annotations

import re

_CONTROL = bytes(range(0, 32)).replace(b"\t", b"").replace(b"\n", b"").replace(b"\r", b"")
_CONTROL += b"\x0c"
#: A well-formed UTF-8 sequence of two to four bytes.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
#: Why a record with NUL bytes is not read: in a line-based file they are, nearly always,
#: UTF-16 that came without its byte order mark (which is read: see streams.utf8_stream).
NUL_BYTES = "NUL bytes: UTF-16 without a byte order mark, or binary"
#: How the notes of :func:`decode_utf8` begin (the kind report.json counts them under).
REPLACED_NOTE = "invalid UTF-8 replaced"
CP1252_NOTE = "decoded as Windows-1252"


class DecodeError(ValueError):
    """The bytes are not text; the message says why."""


def looks_binary(data: bytes) -> bool:
    """True for content with NUL bytes or over 10% control characters in its first 8 KiB."""
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if not head:
        return False
    controls = sum(head.count(bytes([c])) for c in _CONTROL)
    return controls / len(head) > 0.10


def decode_text(data: bytes) -> tuple[str, str | None]:
    """A whole file's bytes as text; return ``(text, note)``, ``note`` saying what was
    guessed or replaced (None when nothing was)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-16: {exc.reason} at byte {exc.start}") from None
    if looks_binary(data):
        raise DecodeError("binary content (NUL or control bytes), not text")
    return decode_utf8(data)


def decode_utf8(data: bytes) -> tuple[str, str | None]:
    """``data`` as UTF-8, or by the module's rule when it is not valid UTF-8; return
    ``(text, note)``."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        first = exc.start
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    if len(_UTF8_MULTIBYTE.findall(data)) > bad:
        return (
            text,
            f"{REPLACED_NOTE}: {bad} bad byte sequence{'s' * (bad != 1)} from byte {first} on",
        )
    return data.decode("cp1252", errors="replace"), f"{CP1252_NOTE}: invalid UTF-8 at byte {first}"
