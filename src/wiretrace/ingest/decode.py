"""Bytes to text, with the reason when it cannot be done.

News files arrive in every encoding. UTF-8 (with or without BOM) and UTF-16
with a BOM are taken as they are; other bytes that are not valid UTF-8 are read
as Windows-1252, the usual culprit, and the article carries a note saying so.
Binary content (NUL bytes or many control characters) is refused.
"""

from __future__ import annotations

_CONTROL = bytes(range(0, 32)).replace(b"\t", b"").replace(b"\n", b"").replace(b"\r", b"")
_CONTROL += b"\x0c"


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
    """Decode ``data`` to text; return ``(text, note)``, ``note`` saying what was guessed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-16: {exc.reason} at byte {exc.start}") from None
    if looks_binary(data):
        raise DecodeError("binary content (NUL or control bytes), not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        return text, f"invalid UTF-8 at byte {exc.start}; decoded as Windows-1252"
