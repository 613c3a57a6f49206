"""LSH banding: bands and rows chosen from an edit model, and band keys.

A sketch of K bins is cut into b bands of r rows; two sets share a band key
with probability ``1 - (1 - J^r)^b`` (J their Jaccard). Tools usually pick
(b, r) from a Jaccard threshold, which loses most edited copies: datasketch's
(9, 13) for 0.8 finds a pair at J = 0.63 (5% word edits) 3% of the time.

Here the threshold comes from the copies we must find. A copy with a share
``e`` of its words substituted keeps a shingle of k words intact with
probability ``s = (1 - e)^k``, so its Jaccard with the original is about
``s / (2 - s)``. :func:`choose_bands` then takes the largest r (fewest chance
collisions) for which some b with ``b·r <= K`` reaches the recall asked for,
and the smallest such b.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from wiretrace.fingerprint.shingles import mix64

_BAND_SALT = np.uint64(0x632BE59BD9B4E019)


def edited_jaccard(edit_rate: float, shingle_size: int) -> float:
    """Expected shingle Jaccard between a text and a copy with ``edit_rate`` of words changed."""
    s = (1.0 - edit_rate) ** shingle_size
    return s / (2.0 - s)


def detection_probability(jaccard: float, bands: int, rows: int) -> float:
    return 1.0 - (1.0 - jaccard**rows) ** bands


@dataclass(frozen=True)
class Banding:
    bands: int
    rows: int
    target_jaccard: float

    def recall_at(self, jaccard: float) -> float:
        return detection_probability(jaccard, self.bands, self.rows)


def choose_bands(num_perm: int, target_jaccard: float, recall: float) -> Banding:
    """The (b, r) with fewest chance collisions that finds ``target_jaccard`` with ``recall``."""
    for rows in range(num_perm, 0, -1):
        p = target_jaccard**rows
        if p < 1e-9:
            continue
        bands = 1 if p >= 1.0 else math.ceil(math.log1p(-recall) / math.log1p(-p))
        if bands * rows <= num_perm:
            return Banding(bands, rows, target_jaccard)
    return Banding(num_perm, 1, target_jaccard)


#: Bits kept of each band key. 36 bits store in 4.5 bytes (the copy index stays under 1 KB
#: an article). At a million articles and ~200 keys each, a key meets another by chance
#: with probability 2e8 / 2^36 = 0.3%: about 0.6 spurious candidate pairs an article, each
#: dropped by the verifier's prefilter in microseconds.
KEY_BITS = 36


def band_keys(sig: np.ndarray, banding: Banding, salt: int = 0) -> np.ndarray:
    """Band keys, shape ``(n, bands)`` uint64 holding :data:`KEY_BITS` bits: equal keys mean
    equal rows in that band (or a chance collision).

    ``salt`` keeps the keys of different sketch kinds apart.
    """
    n = sig.shape[0]
    used = sig[:, : banding.bands * banding.rows].astype(np.uint64)
    used = used.reshape(n, banding.bands, banding.rows)
    with np.errstate(over="ignore"):
        acc = (np.arange(banding.bands, dtype=np.uint64) + np.uint64(salt << 16)) * _BAND_SALT
        acc = np.broadcast_to(acc, (n, banding.bands)).copy()
        for j in range(banding.rows):
            acc = mix64(acc ^ used[:, :, j])
    return acc >> np.uint64(64 - KEY_BITS)
