"""The packaged encoders load offline and rank a translation above an unrelated text."""

import numpy as np
import pytest

from wiretrace.story.encoder import EncoderUnavailable, calibrated, load_encoders

TEXTS = [
    "Russia and the United States will hold security talks in January, Lavrov said.",
    "La Russie et les États-Unis tiendront des pourparlers de sécurité en janvier, a dit Lavrov.",
    "The city library will stay open until ten in the evening from next month.",
]


@pytest.mark.parametrize("name", ["e5", "use"])
def test_encoder_ranks_translation_above_unrelated(name):
    try:
        (encoder,) = load_encoders(name)
    except EncoderUnavailable as exc:
        pytest.skip(str(exc))
    vectors = encoder.encode(TEXTS)
    assert vectors.shape[0] == 3
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sims = calibrated(vectors @ vectors.T, encoder.floor)
    assert sims[0, 1] > sims[0, 2] + 0.2
    assert encoder.encode([]).shape[0] == 0


def test_unknown_encoder_is_a_clear_error():
    with pytest.raises(EncoderUnavailable, match="unknown encoder 'bert'"):
        load_encoders("bert")
    assert load_encoders("none") == []


def test_encode_cached_embeds_each_text_once_across_runs(tmp_path, counting_use):
    from wiretrace.store import Store
    from wiretrace.story.encoder import encode_cached

    counting, seen = counting_use
    with Store(tmp_path / "index.db") as store:
        first = encode_cached(counting, TEXTS + TEXTS[:1], store)
        assert seen == TEXTS  # the repeated text is embedded once
    with Store(tmp_path / "index.db") as store:
        second = encode_cached(counting, TEXTS[::-1], store)
    assert seen == TEXTS  # nothing new: all from the store
    assert np.allclose(second, first[:3][::-1])
