"""Candidate pairs: articles that share at least one LSH band key.

All keys of a run go into one array with the article that owns each; one sort
brings equal keys together and every run of equal keys (a *bucket*) yields
the pairs of its articles. Sorting beats a Python dict of buckets by an order
of magnitude and needs 16 bytes a key.

The key space is cut into shards (by the key's low bits) that are sorted one
after the other, so the temporary arrays of a sort are a fraction of all keys:
at a million articles and ~200 keys each, one sort of everything would need
several GB at once.

A bucket of more than ``max_bucket`` articles (a story reprinted hundreds of
times, or a template that escaped cleaning) yields pairs among its first
``max_bucket`` articles only, and is counted, so that no run explodes
quadratically.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wiretrace.settings import Bounds, Settings


@dataclass(frozen=True, slots=True)
class CandidatesSettings(Settings):
    """Which pairs of the fingerprints' buckets go on to be verified (section
    ``candidates`` of a settings file). Not a fingerprint setting: stored fingerprints do
    not depend on it, so changing it must not rebuild them (it would, in their tag)."""

    SECTION = "candidates"
    BOUNDS = {"max_bucket": Bounds(2)}

    #: Buckets with more members than this emit pairs only to their first members.
    max_bucket: int = 400


@dataclass(slots=True)
class CandidateStats:
    keys: int = 0
    buckets: int = 0
    capped_buckets: int = 0
    pairs: int = 0


#: Keys per shard, about: more keys are sorted in several passes.
SHARD_KEYS = 8_000_000


def sharded_candidate_pairs(
    keys: np.ndarray, owners: np.ndarray, max_bucket: int, new_from: int = 0
) -> tuple[np.ndarray, CandidateStats]:
    """:func:`candidate_pairs` over shards of the key space (same pairs, less memory)."""
    shards = max(1, -(-len(keys) // SHARD_KEYS))
    if shards == 1:
        return candidate_pairs(keys, owners, max_bucket, new_from)
    total = CandidateStats(keys=len(keys))
    found = []
    shard_of = (keys % np.uint64(shards)).astype(np.int64)
    for s in range(shards):
        mask = shard_of == s
        pairs, stats = candidate_pairs(keys[mask], owners[mask], max_bucket, new_from)
        total.buckets += stats.buckets
        total.capped_buckets += stats.capped_buckets
        found.append(pairs)
    pairs = np.concatenate(found)
    if len(pairs):
        n = int(owners.max()) + 1
        codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
        pairs = np.stack((codes // n, codes % n), axis=1)
    total.pairs = len(pairs)
    return pairs, total


def candidate_pairs(
    keys: np.ndarray, owners: np.ndarray, max_bucket: int, new_from: int = 0
) -> tuple[np.ndarray, CandidateStats]:
    """Distinct article pairs ``(i, j)``, ``i < j``, sharing a key, as an ``(n, 2)`` int64 array.

    ``owners[t]`` is the article index of ``keys[t]``. Pairs where both
    articles are below ``new_from`` (already compared in an earlier run) are left out.
    """
    stats = CandidateStats(keys=len(keys))
    if len(keys) < 2:
        return np.empty((0, 2), dtype=np.int64), stats
    if len(owners) < 2 or bool(np.all(owners[1:] >= owners[:-1])):
        order = np.argsort(keys, kind="stable")  # keeps owners in order: 2x faster than lexsort
    else:
        order = np.lexsort((owners, keys))
    k, o = keys[order], owners[order].astype(np.int64)
    # One entry per (key, article).
    keep = np.ones(len(k), dtype=bool)
    keep[1:] = (k[1:] != k[:-1]) | (o[1:] != o[:-1])
    k, o = k[keep], o[keep]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    sizes = np.diff(np.r_[starts, len(k)])
    multi = sizes >= 2
    stats.buckets = int(multi.sum())
    stats.capped_buckets = int((sizes > max_bucket).sum())
    bucket_of = np.repeat(np.arange(len(starts)), sizes)
    rank = np.arange(len(k)) - starts[bucket_of]
    eligible = rank < max_bucket
    pos = np.flatnonzero(eligible & multi[bucket_of])
    found = []
    offset = 1
    while len(pos):
        partner = pos + offset
        ok = partner < len(k)
        ok[ok] &= (bucket_of[partner[ok]] == bucket_of[pos[ok]]) & eligible[partner[ok]]
        pos = pos[ok]
        if len(pos):
            found.append(np.stack((o[pos], o[pos + offset]), axis=1))
        offset += 1
    if not found:
        return np.empty((0, 2), dtype=np.int64), stats
    pairs = np.concatenate(found)
    pairs.sort(axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if new_from:
        pairs = pairs[pairs[:, 1] >= new_from]
    n = int(o.max()) + 1
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    pairs = np.stack((codes // n, codes % n), axis=1)
    stats.pairs = len(pairs)
    return pairs, stats
