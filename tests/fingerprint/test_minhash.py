"""One-permutation MinHash with densification estimates Jaccard similarity."""

import numpy as np
import pytest

from wiretrace.fingerprint.minhash import EMPTY, densify, estimate_jaccard, sketch


def test_one_permutation_minhash_estimates_jaccard():
    rng = np.random.default_rng(1)
    universe = rng.integers(0, 2**63, size=3000, dtype=np.uint64)
    a, b = universe[:2000], universe[1000:]  # Jaccard 1000/3000
    hashes = np.concatenate((a, b))
    rows = np.r_[np.zeros(len(a), int), np.ones(len(b), int)]
    sig = sketch(hashes, rows, 2, 256)
    assert estimate_jaccard(sig[0], sig[1]) == pytest.approx(1 / 3, abs=0.08)


def test_densification_fills_bins_consistently():
    hashes = np.array([1 << 60, 3 << 61, 12345], dtype=np.uint64)
    sig = sketch(hashes, np.zeros(3, int), 2, 16)  # second row has no hashes
    assert (sig[0] != EMPTY).all()
    assert (sig[1] == EMPTY).all()
    again = densify(sketch(hashes, np.zeros(3, int), 1, 16))
    assert np.array_equal(sig[0], again[0])
