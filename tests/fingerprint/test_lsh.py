"""LSH bands chosen from the edit model reach their recall."""

import pytest

from wiretrace.config import Config
from wiretrace.fingerprint import (
    doc_banding,
    passage_banding,
)
from wiretrace.fingerprint.lsh import choose_bands, detection_probability, edited_jaccard


def test_bands_chosen_from_edit_model_reach_their_recall():
    j = edited_jaccard(0.10, 4)
    assert j == pytest.approx(0.488, abs=0.001)
    banding = choose_bands(32, j, 0.95)
    assert banding.bands * banding.rows <= 32
    assert detection_probability(j, banding.bands, banding.rows) >= 0.95
    # One more row would need more bins than there are.
    more = choose_bands(10_000, j, 0.95)
    assert more.rows >= banding.rows
    config = Config()
    assert doc_banding(config).recall_at(edited_jaccard(0.1, 4) * 0.6) >= 0.99
    assert passage_banding(config).recall_at(j) >= 0.95
