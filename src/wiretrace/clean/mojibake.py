"""Mojibake: UTF-8 text that was once read as Windows-1252 (``â€™`` for ``’``, ``Ã©`` for
``é``), repaired by ftfy.

Left in, it breaks the word shingles around every quote and accent, so a copy whose
source was garbled on the way shares fewer shingles with its source than it should.
ftfy's repair (:func:`ftfy.fix_encoding`, the mojibake part of ftfy only: it does not
straighten quotes or touch text that is not garbled) is run only on text that shows its
markers (:data:`MARKERS`): a character that begins a UTF-8 sequence read as Windows-1252
or Latin-1 followed by one that continues it, or a C1 control character. On AllSides
(37,554 articles, ``wiretrace bench inputs``) 330 texts show them, of which ftfy repairs
312, and those are all the texts ftfy changes when run on every one; looking for the
markers in every text and repairing the marked ones takes 2.8 s of CPU, running ftfy on
every text 29.7 s.
"""

from __future__ import annotations

import re

#: How a repaired article's note begins (the kind report.json counts it under).
MOJIBAKE_NOTE = "mojibake repaired by ftfy"
#: Windows-1252's characters for the bytes 0x80-0x9F (what a UTF-8 continuation byte
#: becomes when read as Windows-1252), beside U+0080-U+00BF (read as Latin-1).
_CP1252_HIGH = bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")
MARKERS = re.compile(f"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_HIGH}]|[\u0080-\u009f]")


def repair_mojibake(text: str) -> tuple[str, int]:
    """``text`` with its mojibake repaired, and how many marked places it had (0: it was
    returned as it is, ftfy not run)."""
    if not MARKERS.search(text):
        return text, 0
    import ftfy

    fixed = ftfy.fix_encoding(text)
    return (fixed, len(MARKERS.findall(text))) if fixed != text else (text, 0)
