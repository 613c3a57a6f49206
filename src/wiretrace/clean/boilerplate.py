"""Boilerplate learned from the corpus: lines that recur across different stories.

A hand list never knows every site's template ("For the latest headlines,
follow our Google News channel…"). A line that many articles share is either
such a template line or a paragraph of a story they all reprint. The two are
told apart by the rest of the articles: reprints of one story share much more
text, template lines sit in articles that share nothing else. So a line is
boilerplate when

* it recurs (same folded text) in at least ``boilerplate_min_df`` articles, and
* the sampled articles holding it are at least ``boilerplate_min_df`` different
  stories: two of them are one story when the share of the smaller one's shingles
  (without the recurring lines) found in the other reaches
  ``boilerplate_max_story_overlap``. Counting stories, not pairs of articles, keeps a
  paragraph stitched from one story into another: held by its source, a reprint of it
  and the copy it was stitched into, it is in three articles but two stories.

An outlet's own blocks (a newsletter pitch in two of its articles) recur too
rarely for this rule; they are learned per outlet (:mod:`wiretrace.clean.outlet_blocks`).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from wiretrace.config import Config
from wiretrace.disjoint import DisjointSets
from wiretrace.fingerprint.hashsets import sorted_intersection, unique_sorted
from wiretrace.fingerprint.shingles import shingle_paragraphs
from wiretrace.records import CleanArticle

#: ASCII bytes that do not count in a line key: spacing, punctuation and digits.
_NOT_KEY = bytes(c for c in range(128) if not chr(c).isalpha())
#: Articles per frequent line whose other text is compared.
SAMPLE = 6
_MIN_CONTENT = 20
#: A line key: 8 bytes of blake2b, compared as one unsigned integer.
KEY_DTYPE = np.dtype("<u8")


def line_key(paragraph: str) -> bytes:
    """A key equal for lines that differ only in case, ASCII punctuation, digits and spacing."""
    folded = paragraph.lower().encode("utf-8").translate(None, _NOT_KEY)
    return hashlib.blake2b(folded, digest_size=KEY_DTYPE.itemsize).digest()


def paragraph_keys(article: CleanArticle) -> list[bytes]:
    return [line_key(p) for p in article.paragraphs]


def split_keys(packed: bytes) -> list[bytes]:
    """Line keys joined into one bytes object (as a run keeps them), one by one again."""
    n = KEY_DTYPE.itemsize
    return [packed[i : i + n] for i in range(0, len(packed), n)]


def learn_boilerplate(
    articles: Sequence[CleanArticle], keys: Sequence[Sequence[bytes]], config: Config
) -> dict[bytes, int]:
    """Keys of learned boilerplate lines, each with the number of articles it appears in.

    ``articles[i]`` is read only for the few articles sampled per frequent line, so
    ``articles`` may be a lazy sequence over articles kept on disk.
    """
    frequent, holders = frequent_lines([b"".join(k) for k in keys], config.clean.boilerplate_min_df)
    if not frequent:
        return {}
    return judge_in_batches(
        frequent,
        holders,
        lambda members: {i: (articles[i].paragraphs, list(keys[i])) for i in members},
        config,
    )


def judge_in_batches(
    frequent: dict[bytes, int],
    holders: dict[bytes, list[int]],
    fetch: Callable[[list[int]], dict[int, tuple[list[str], list[bytes]]]],
    config: Config,
    batch: int = 500,
) -> dict[bytes, int]:
    """:func:`judge_boilerplate` over batches of ``batch`` frequent keys, fetching (``fetch``:
    article indices to their paragraphs and keys) only the sampled articles of one batch at
    a time: memory stays that of one batch whatever the corpus size. Keys are taken in
    order of their first holder, so lines of one site template share a batch and their
    articles are fetched once."""
    keys = sorted(frequent, key=lambda k: holders[k][0])
    out: dict[bytes, int] = {}
    for start in range(0, len(keys), batch):
        part = keys[start : start + batch]
        members = sorted({i for k in part for i in holders[k]})
        out.update(judge_boilerplate(frequent, holders, fetch(members), config, judge=part))
    return out


def frequent_lines(
    packed: Sequence[bytes], min_df: int
) -> tuple[dict[bytes, int], dict[bytes, list[int]]]:
    """Line keys found in at least ``min_df`` articles, with their article counts, and the
    first :data:`SAMPLE` articles (by index) holding each.

    ``packed[i]`` is article i's line keys joined (8 bytes each). The counting is one
    sort of (key, article) pairs: 16 bytes a line however many articles there are,
    where a dict of keys costs about ten times that.
    """
    lengths = np.fromiter(
        (len(k) // KEY_DTYPE.itemsize for k in packed), dtype=np.int64, count=len(packed)
    )
    if not lengths.sum():
        return {}, {}
    flat = np.frombuffer(b"".join(packed), dtype=KEY_DTYPE)
    owner = np.repeat(np.arange(len(packed), dtype=np.int64), lengths)
    order = np.lexsort((owner, flat))
    flat, owner = flat[order], owner[order]
    first = np.r_[True, (flat[1:] != flat[:-1]) | (owner[1:] != owner[:-1])]
    flat, owner = flat[first], owner[first]  # one row per (key, article)
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    counts = np.diff(np.r_[starts, len(flat)])
    frequent, holders = {}, {}
    for start, n in zip(
        starts[counts >= min_df].tolist(), counts[counts >= min_df].tolist(), strict=True
    ):
        key = flat[start].tobytes()
        frequent[key] = n
        holders[key] = owner[start : start + min(n, SAMPLE)].tolist()
    return frequent, holders


def judge_boilerplate(
    frequent: dict[bytes, int],
    holders: dict[bytes, list[int]],
    sampled: dict[int, tuple[list[str], list[bytes]]],
    config: Config,
    judge: Iterable[bytes] | None = None,
) -> dict[bytes, int]:
    """The frequent keys (with their article counts) that are boilerplate.

    ``holders[key]`` lists the first :data:`SAMPLE` articles (by index) holding the key;
    ``sampled[i]`` is article i's paragraphs and keys. Split from :func:`learn_boilerplate`
    so that a distributed run can count and sample, and judge only the sample.
    ``judge`` limits the verdicts to those keys (``sampled`` then needs only their holders).
    """
    order = sorted(sampled)
    docs = [sampled[i] for i in order]
    rests = unique_shingles(
        [[p for p, k in zip(ps, ks, strict=True) if k not in frequent] for ps, ks in docs],
        config,
    )
    wholes = unique_shingles([ps for ps, _ in docs], config)
    content = {i: (rest, whole) for i, rest, whole in zip(order, rests, wholes, strict=True)}
    return {
        key: frequent[key]
        for key in (frequent if judge is None else judge)
        if _stories(holders[key], content, config.clean.boilerplate_max_story_overlap)
        >= min(config.clean.boilerplate_min_df, SAMPLE)
    }


def unique_shingles(paragraph_lists: list[list[str]], config: Config) -> list[np.ndarray]:
    """The distinct shingle hashes (sorted) of each list of paragraphs, shingled in one batch."""
    counts = np.array([len(p) for p in paragraph_lists], dtype=np.int64)
    sh = shingle_paragraphs(
        [p for ps in paragraph_lists for p in ps], config.fingerprint.shingle_size
    )
    bounds = np.searchsorted(sh.paragraph, np.concatenate(([0], np.cumsum(counts))))
    return [unique_sorted(sh.hashes[bounds[i] : bounds[i + 1]]) for i in range(len(counts))]


def _stories(
    members: Sequence[int], content: dict[int, tuple[np.ndarray, np.ndarray]], max_overlap: float
) -> int:
    """How many different stories the articles holding a recurring line are: articles are
    joined, pair by pair, when they share at least ``max_overlap`` of their text.

    A pair is compared on the text it holds besides the recurring lines: the share of the
    smaller rest found in the other. An article whose rest is short is made of recurring
    lines (an exact reprint recurs line by line): it is compared whole, by the share of it
    found in the other article whole. A reprint that adds a paragraph of its own (a credit,
    a quote, a stitched-in passage) then holds all of its source, where comparing by that
    added paragraph alone would call them two stories and make every line of the source
    boilerplate; two articles of a site sharing only its template stay apart."""
    groups = DisjointSets(members)
    for i, j in itertools.combinations(members, 2):
        (a, whole_a), (b, whole_b) = content[i], content[j]
        if len(a) < _MIN_CONTENT and len(b) >= _MIN_CONTENT:
            a, b = whole_a, whole_b  # a's share found in b
        elif len(b) < _MIN_CONTENT and len(a) >= _MIN_CONTENT:
            a, b = whole_b, whole_a
        else:
            if len(a) < _MIN_CONTENT:  # both made of recurring lines
                a, b = whole_a, whole_b
            a, b = sorted((a, b), key=len)
        if share_found(a, b) >= max_overlap:
            groups.union(j, i)
    return len(groups.groups())


def share_found(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the sorted hash set ``a`` found in ``b`` (0 when ``a`` is empty)."""
    return len(sorted_intersection(a, b)) / len(a) if len(a) else 0.0


def smaller_share(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller of two sorted hash sets found in the other: how much of the
    shorter text the longer one holds, whatever their lengths."""
    return share_found(*sorted((a, b), key=len))
