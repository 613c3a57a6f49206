"""Text normalisation and paragraph splitting.

A paragraph is a block between blank lines. Inside a block, a line break
after a sentence end starts a new paragraph (one paragraph per line, as many
feeds write them); other line breaks are hard wraps and are joined.
"""

from __future__ import annotations

import re
import unicodedata

_BLANK_LINES = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?\"”’»)]$")
#: Zero-width and other invisible characters that only break matching.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def normalize(text: str) -> str:
    """NFKC, one kind of line break, no invisible characters (spaces: see split_blocks)."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii() and any(chr(c) in text for c in _INVISIBLE):
        text = text.translate(_INVISIBLE)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _single_spaced(line: str) -> str:
    line = line.strip()
    if "  " in line or "\t" in line or "\xa0" in line or "\u2009" in line:
        return " ".join(line.split())
    return line


def split_blocks(text: str) -> list[list[str]]:
    """Blocks of non-empty lines with single spaces, split at blank lines."""
    blocks = []
    for block in _BLANK_LINES.split(text):
        lines = [_single_spaced(line) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            blocks.append(lines)
    return blocks


def join_block(lines: list[str]) -> list[str]:
    """Paragraphs of one block: hard-wrapped lines joined, sentence-final breaks kept.

    Trailing lines with no sentence end at all are headings, labels or names
    ("world", a headline, "Tasha Litvinova"), not wrapped prose: they stay apart.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        if _SENTENCE_END.search(line):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.extend(current)
    return paragraphs
