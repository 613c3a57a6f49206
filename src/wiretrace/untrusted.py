"""Text from the articles, made safe to print in a terminal.

Everything an article brings (its id, title, source, url, text, and the reasons and notes
that quote them) comes from whoever wrote the input, and a terminal obeys what it is
sent: an ANSI or OSC escape sequence in a title can recolour the screen, retitle the
window, write a clickable link that points elsewhere, or (on some terminals) make it
answer; a bidi control (U+202E) shows a title or an id backwards. So a line is
:func:`printable` before it is printed, and it is printed as plain text, never parsed as
markup (with rich: a :class:`rich.text.Text`, or ``markup=False``): an id such as
``x[/x]`` is an article's name, not a closing tag.

Escape sequences are removed whole (an OSC payload, such as a link's URL, is not text the
author meant to show); every other control character goes, tabs and line breaks become a
space (each printed line stays one line), and the invisible characters that reorder or
hide text (bidi embeddings, overrides and isolates, marks) are removed. Joiners (U+200C,
U+200D) stay: scripts such as Persian and Devanagari and emoji need them.
"""

from __future__ import annotations

import re
import unicodedata

#: ESC (7-bit) and CSI (8-bit) sequences: CSI ... final byte, OSC/DCS/APC/PM/SOS ... up to
#: BEL or ST (or the end of the text, when unterminated), and two-byte escapes.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI: parameters, intermediates, final
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"  # strings
    r"|\x1b[ -/]*[0-~]?",  # any other escape (ESC c, ESC ( B, ESC 7, ...)
    re.DOTALL,
)

#: Characters that reorder or hide text without being shown: bidi embeddings, overrides,
#: isolates and marks.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: Characters that break a line or the layout (they become one space).
_SPACES = frozenset("\t\n\r\v\f\x85\u2028\u2029")


def printable(text: object) -> str:
    """``text`` (anything, as ``str``) without escape sequences, control characters or
    bidi controls, on one line."""
    text = _ESCAPES.sub("", str(text))
    if text.isprintable():  # the common case: nothing more to look at
        return text
    return "".join(_kept(c) for c in text)


def _kept(c: str) -> str:
    if c in _SPACES:
        return " "
    if c in _BIDI or unicodedata.category(c) in ("Cc", "Cs"):
        return ""
    return c
