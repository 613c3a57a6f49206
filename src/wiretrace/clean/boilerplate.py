"""Boilerplate learned from the corpus: lines that recur across different stories.

A hand list never knows every site's template ("For the latest headlines,
follow our Google News channel…"). A line that many articles share is either
such a template line or a paragraph of a story they all reprint. The two are
told apart by the rest of the articles: reprints of one story share much more
text, template lines sit in articles that share nothing else. So a line is
boilerplate when

* it recurs (same folded text) in at least ``boilerplate_min_df`` articles,
* it has at most ``boilerplate_max_words`` words, and
* for sampled pairs of those articles, the median share of the smaller
  article's shingles (without the recurring lines) found in the other is
  below ``boilerplate_max_story_overlap``.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

import numpy as np

from wiretrace.config import Config
from wiretrace.fingerprint.shingles import shingle_paragraphs
from wiretrace.records import CleanArticle

_FOLD = re.compile(r"[\W\d_]+")
_SAMPLE = 6
_MIN_CONTENT = 20


def line_key(paragraph: str) -> bytes:
    """A key equal for lines that differ only in case, punctuation, digits and spacing."""
    folded = _FOLD.sub(" ", paragraph.lower()).strip()
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest()


def paragraph_keys(article: CleanArticle) -> list[bytes]:
    return [line_key(p) for p in article.paragraphs]


def learn_boilerplate(
    articles: list[CleanArticle], keys: list[list[bytes]], config: Config
) -> dict[bytes, int]:
    """Keys of learned boilerplate lines, each with the number of articles it appears in."""
    df: Counter[bytes] = Counter()
    for article_keys in keys:
        df.update(set(article_keys))
    frequent = {k for k, n in df.items() if n >= config.boilerplate_min_df}
    if not frequent:
        return {}
    holders: dict[bytes, list[int]] = defaultdict(list)
    short: set[bytes] = set()
    for idx, (article, article_keys) in enumerate(zip(articles, keys, strict=True)):
        for para, key in zip(article.paragraphs, article_keys, strict=True):
            if key in frequent:
                if len(holders[key]) < _SAMPLE and idx not in holders[key]:
                    holders[key].append(idx)
                if len(para.split()) <= config.boilerplate_max_words:
                    short.add(key)
    shingle_cache: dict[int, np.ndarray] = {}

    def content(idx: int) -> np.ndarray:
        """Shingles of an article without its recurring short lines (all, if that leaves little:
        an exact reprint recurs line by line)."""
        if idx not in shingle_cache:
            rest = [
                p
                for p, k in zip(articles[idx].paragraphs, keys[idx], strict=True)
                if k not in short
            ]
            hashes = np.unique(shingle_paragraphs(rest, config.shingle_size).hashes)
            if len(hashes) < _MIN_CONTENT:
                all_paras = articles[idx].paragraphs
                hashes = np.unique(shingle_paragraphs(all_paras, config.shingle_size).hashes)
            shingle_cache[idx] = hashes
        return shingle_cache[idx]

    learned = {}
    for key in short:
        if _different_stories(holders[key], content, config.boilerplate_max_story_overlap):
            learned[key] = df[key]
    return learned


def _different_stories(members: Iterable[int], content, max_overlap: float) -> bool:
    overlaps = []
    for i, j in itertools.combinations(members, 2):
        a, b = content(i), content(j)
        if len(a) > len(b):
            a, b = b, a
        shared = len(np.intersect1d(a, b, assume_unique=True))
        overlaps.append(shared / len(a) if len(a) else 0.0)
    return bool(overlaps) and float(np.median(overlaps)) < max_overlap
