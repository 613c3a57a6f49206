"""One-permutation MinHash with optimal densification, for many sets at once.

Classic MinHash applies K hash functions to every shingle: O(n·K) work per
set. One-permutation hashing (Li, Owen & Zhang 2012) hashes each shingle once,
splits the hash range into K bins and keeps the minimum of each bin: O(n + K).
For two sets with Jaccard J, bin i holds the same minimum in both with
probability J (when non-empty in both), exactly as a MinHash row does.

Bins left empty (short passages) are filled by *optimal densification*
(Shrivastava 2017): an empty bin i copies the value of bin ``probe(i, t)`` for
the first t at which that bin is non-empty. The probe sequence is fixed, so two
sets that agree on their non-empty bins also agree on the filled ones, and the
collision probability stays J.

The bin is the top ``log2 K`` bits of the 64-bit shingle hash; the value kept
is the low 32 bits. ``np.minimum.at`` does the per-bin minimum for all sets of
a batch in one call (see ``wiretrace bench hashing`` for the comparison with
rensa and datasketch).
"""

from __future__ import annotations

import numpy as np

EMPTY = np.uint32(0xFFFFFFFF)
_PROBE_SEED = 0x5EED


def _probe_table(num_perm: int, tries: int) -> np.ndarray:
    rng = np.random.default_rng(_PROBE_SEED + num_perm)
    return rng.integers(0, num_perm, size=(num_perm, tries), dtype=np.int64)


_PROBES: dict[int, np.ndarray] = {}


def sketch(hashes: np.ndarray, rows: np.ndarray, n_rows: int, num_perm: int) -> np.ndarray:
    """MinHash sketches, shape ``(n_rows, num_perm)`` uint32, of the sets ``rows`` assigns.

    ``hashes[i]`` (uint64) belongs to set ``rows[i]``. ``num_perm`` must be a
    power of two. A row with no hashes stays all :data:`EMPTY`.
    """
    if num_perm & (num_perm - 1) or num_perm < 2:
        raise ValueError(f"num_perm must be a power of two, got {num_perm}")
    bits = num_perm.bit_length() - 1
    sig: np.ndarray = np.full(n_rows * num_perm, EMPTY, dtype=np.uint32)
    if len(hashes):
        bins = (hashes >> np.uint64(64 - bits)).astype(np.int64)
        values = (hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        np.minimum.at(sig, rows.astype(np.int64) * num_perm + bins, values)
    sig = sig.reshape(n_rows, num_perm)
    return densify(sig)


def densify(sig: np.ndarray) -> np.ndarray:
    """Fill empty bins from the fixed probe sequence (rows that are all empty stay so)."""
    num_perm = sig.shape[1]
    empty = sig == EMPTY
    if not empty.any():
        return sig
    probes = _PROBES.get(num_perm)
    if probes is None:
        probes = _PROBES[num_perm] = _probe_table(num_perm, 4 * num_perm)
    filled = sig.copy()
    todo_r, todo_c = np.nonzero(empty & ~empty.all(axis=1, keepdims=True))
    for t in range(probes.shape[1]):
        if not len(todo_r):
            break
        source = sig[todo_r, probes[todo_c, t]]
        ok = source != EMPTY
        filled[todo_r[ok], todo_c[ok]] = source[ok]
        todo_r, todo_c = todo_r[~ok], todo_c[~ok]
    if len(todo_r):  # vanishingly rare: fall back to the next non-empty bin
        for r, c in zip(todo_r, todo_c, strict=True):
            row = sig[r]
            nonempty = np.flatnonzero(row != EMPTY)
            filled[r, c] = row[nonempty[np.searchsorted(nonempty, c) % len(nonempty)]]
    return filled


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of bins on which two sketches agree: an unbiased estimate of Jaccard."""
    return float(np.mean(a == b))
