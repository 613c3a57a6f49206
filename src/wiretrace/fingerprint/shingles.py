"""Words and word shingles as 64-bit hashes, for many paragraphs at once, in numpy.

Tokenising in Python costs more than hashing in Rust (ANCHORS.md), so the
whole batch is tokenised as one byte array:

* text is lower-cased and encoded UTF-8;
* a *word* is a maximal run of ASCII letters/digits or non-ASCII characters
  other than punctuation (U+0080-U+00BF, U+2000-U+207F, U+3000-U+303F), so
  any script's letters are word characters and curly quotes or dashes are not;
* a word's hash is a polynomial hash over its bytes, from prefix sums:
  with ``H[i] = sum_{j<i} b_j P^j`` (mod 2^32), the word ``[s, e)`` hashes to
  ``(H[e] - H[s]) * P^-s``, which depends only on its bytes; a splitmix64
  finaliser spreads it over 64 bits (32-bit prefix sums halve the memory
  traffic of this, the costliest step; a corpus has far fewer than 2^32 words);
* a k-shingle hash combines k consecutive word hashes with distinct odd
  multipliers, then the finaliser again. Shingles never cross a paragraph.

:func:`word_spans` gives the same words with character offsets, for evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

_U64 = np.uint64
_U32 = np.uint32
_P = _U32(0x01000193)  # odd: invertible mod 2^32
_P_INV = _U32(pow(int(_P), -1, 2**32))
_MULTIPLIERS = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
        0xBF58476D1CE4E5B9,
    ],
    dtype=np.uint64,
)

_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[ord("0") : ord("9") + 1] = True
_WORD_BYTE[ord("a") : ord("z") + 1] = True
_WORD_BYTE[0x80:] = True

_WORD_RE = re.compile(r"[0-9a-z\u00c0-\u1fff\u2080-\u2fff\u3040-\U0010ffff]+")

_powers = np.ones(1, dtype=np.uint32)
_inv_powers = np.ones(1, dtype=np.uint32)


def _ensure_powers(n: int) -> None:
    global _powers, _inv_powers
    if len(_powers) >= n:
        return
    size = max(n, 2 * len(_powers), 1 << 16)
    with np.errstate(over="ignore"):
        _powers = np.cumprod(np.full(size, _P, dtype=np.uint32), dtype=np.uint32)
        _powers = np.concatenate(([_U32(1)], _powers[:-1]))
        _inv_powers = np.cumprod(np.full(size, _P_INV, dtype=np.uint32), dtype=np.uint32)
        _inv_powers = np.concatenate(([_U32(1)], _inv_powers[:-1]))


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: every output bit depends on every input bit."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> _U64(30))
        x = x * _U64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> _U64(27))
        x = x * _U64(0x94D049BB133111EB)
        return x ^ (x >> _U64(31))


def prepare(text: str) -> str:
    """The form of ``text`` that words are read from."""
    return text.lower()


def _word_bytes(buf: np.ndarray) -> np.ndarray:
    """True at bytes inside words: see the module docstring for which characters count."""
    is_word = _WORD_BYTE[buf]
    if len(buf) < 3:
        return is_word
    lead2 = np.flatnonzero(buf[:-1] == 0xC2)  # U+0080-U+00BF
    mid = buf[1:-1]
    lead3 = np.flatnonzero(
        ((buf[:-2] == 0xE2) & ((mid == 0x80) | (mid == 0x81)))
        | ((buf[:-2] == 0xE3) & (mid == 0x80))
    )
    for offset in (0, 1):
        is_word[lead2 + offset] = False
    for offset in (0, 1, 2):
        is_word[lead3 + offset] = False
    return is_word


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the words of ``text``, as :func:`shingle_paragraphs` reads them."""
    return [m.span() for m in _WORD_RE.finditer(prepare(text))]


@dataclass(slots=True)
class Shingled:
    """Shingle hashes of a batch of paragraphs.

    ``hashes[i]`` comes from paragraph ``paragraph[i]`` and starts at its word
    ``position[i]``; ``words[p]`` is paragraph p's word count. Word j of paragraph p
    spans bytes ``word_bytes[first_word[p] + j]`` of the paragraph's lower-cased UTF-8.
    """

    hashes: np.ndarray  # uint64
    paragraph: np.ndarray  # int64
    position: np.ndarray  # int32
    words: np.ndarray  # int64, per paragraph
    word_bytes: np.ndarray  # int64 (n_words, 2)
    first_word: np.ndarray  # int64, per paragraph

    def char_span(self, paragraph: str, index: int, first: int, last: int) -> tuple[int, int]:
        """Character span in ``paragraph`` (number ``index``) of its words first..last-1."""
        base = int(self.first_word[index])
        start, end = int(self.word_bytes[base + first, 0]), int(self.word_bytes[base + last - 1, 1])
        if paragraph.isascii():
            return start, end
        data = prepare(paragraph).encode("utf-8")
        start_char, end_char = (len(data[:b].decode("utf-8", "ignore")) for b in (start, end))
        return start_char, end_char


#: Paragraphs hashed in one numpy pass; larger inputs go in groups of this many, which
#: bounds the temporary arrays (and the table of powers) whatever the caller passes.
GROUP = 4096


def shingle_paragraphs(paragraphs: list[str], k: int) -> Shingled:
    """Shingles of every paragraph; a paragraph of fewer than k words gives one shingle."""
    if len(paragraphs) <= GROUP:
        return _shingle_group(paragraphs, k)
    parts = [_shingle_group(paragraphs[i : i + GROUP], k) for i in range(0, len(paragraphs), GROUP)]
    par_offsets = np.arange(len(parts), dtype=np.int64) * GROUP
    word_offsets = np.concatenate(([0], np.cumsum([len(p.word_bytes) for p in parts])[:-1]))
    return Shingled(
        np.concatenate([p.hashes for p in parts]),
        np.concatenate([p.paragraph + o for p, o in zip(parts, par_offsets, strict=True)]),
        np.concatenate([p.position for p in parts]),
        np.concatenate([p.words for p in parts]),
        np.concatenate([p.word_bytes for p in parts]),
        np.concatenate([p.first_word + o for p, o in zip(parts, word_offsets, strict=True)]),
    )


def _shingle_group(paragraphs: list[str], k: int) -> Shingled:
    n_par = len(paragraphs)
    if n_par == 0:
        empty = np.empty(0, dtype=np.uint64)
        return Shingled(
            empty,
            np.empty(0, np.int64),
            np.empty(0, np.int32),
            np.zeros(0, np.int64),
            np.empty((0, 2), np.int64),
            np.zeros(0, np.int64),
        )
    joined = "\n".join(paragraphs)
    if joined.count("\n") != n_par - 1:  # a paragraph with a line break of its own
        joined = "\n".join(p.replace("\n", " ") for p in paragraphs)
    data = prepare(joined).encode("utf-8")
    buf = np.frombuffer(data, dtype=np.uint8)
    _ensure_powers(len(buf) + 1)
    is_word = _word_bytes(buf)
    edges = np.diff(is_word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(buf) + 1, dtype=np.uint32)
        np.cumsum(buf * _powers[: len(buf)], out=prefix[1:], dtype=np.uint32)
        words = (prefix[ends] - prefix[starts]) * _inv_powers[starts]
    words = mix64(words.astype(np.uint64))
    newlines = np.flatnonzero(buf == 10)
    word_par = np.searchsorted(newlines, starts)
    counts = np.bincount(word_par, minlength=n_par).astype(np.int64)
    first_word = np.concatenate(([0], np.cumsum(counts)[:-1]))
    position = (np.arange(len(words)) - first_word[word_par]).astype(np.int32)

    n = len(words)
    if n >= k:
        with np.errstate(over="ignore"):
            acc = words[: n - k + 1] * _MULTIPLIERS[0]
            for j in range(1, k):
                acc = acc + words[j : n - k + 1 + j] * _MULTIPLIERS[j]
        valid = word_par[: n - k + 1] == word_par[k - 1 :]
        hashes = mix64(acc[valid])
        sh_par = word_par[: n - k + 1][valid]
        sh_pos = position[: n - k + 1][valid]
    else:
        hashes = np.empty(0, dtype=np.uint64)
        sh_par = np.empty(0, dtype=np.int64)
        sh_pos = np.empty(0, dtype=np.int32)
    short = np.flatnonzero((counts > 0) & (counts < k))
    if len(short):
        # One shingle for each paragraph too short for k words: all its words.
        with np.errstate(over="ignore"):
            combined = np.zeros(len(short), dtype=np.uint64)
            for j in range(k - 1):
                has = counts[short] > j
                idx = first_word[short][has] + j
                combined[has] += words[idx] * _MULTIPLIERS[j]
        hashes = np.concatenate((hashes, mix64(combined)))
        sh_par = np.concatenate((sh_par, short))
        sh_pos = np.concatenate((sh_pos, np.zeros(len(short), dtype=np.int32)))
        order = np.argsort(sh_par, kind="stable")
        hashes, sh_par, sh_pos = hashes[order], sh_par[order], sh_pos[order]
    par_start = np.concatenate(([0], newlines + 1))
    word_bytes = np.stack((starts, ends), axis=1) - par_start[word_par][:, None]
    return Shingled(
        hashes, sh_par.astype(np.int64), sh_pos.astype(np.int32), counts, word_bytes, first_word
    )
