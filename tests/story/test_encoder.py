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
        pytest.fail(f"{exc} (the test extra installs it)")
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


def test_progress_comes_after_every_batch_not_every_step(tmp_path):
    """A bar that moves every 512 texts stands still for seconds; it moves every batch."""
    from wiretrace.store import Store
    from wiretrace.story.encoder import BATCH, encode_in_steps

    try:
        (use,) = load_encoders("use")
    except EncoderUnavailable as exc:
        pytest.fail(f"{exc} (the test extra installs it)")
    texts = [f"Report number {i} on the council's budget for roads." for i in range(200)]
    told: list[tuple[str, int, int]] = []
    with Store(tmp_path / "index.db") as store:
        encode_cached_first = encode_in_steps(use, texts[:70], store, None, "x")
        vectors = encode_in_steps(use, texts, store, lambda *a: told.append(a), "embed (use)")
    assert np.allclose(vectors[:70], encode_cached_first, atol=1e-6)
    # the 70 cached texts count as done, and the other 130 are told one batch at a time
    assert [t[1] for t in told] == [70 + BATCH, 70 + 2 * BATCH, 200]
    assert {(t[0], t[2]) for t in told} == {("embed (use)", 200)}


def test_kept_workers_embed_as_workers_forked_per_call(tmp_path):
    """The service's engine forks its encoder workers once and keeps them: the vectors are
    the ones a per-call pool gives, and the same workers serve every call."""
    import os

    try:
        (use,) = load_encoders("use")
    except EncoderUnavailable as exc:
        pytest.fail(f"{exc} (the test extra installs it)")
    if use.processes < 2:
        pytest.skip("one core: the encoder forks no workers")
    texts = [f"Budget report {i}: the council spends {i * 13} on roads." for i in range(150)]
    per_call = use.encode(texts)
    use.keep_workers()
    try:
        pids = {p.pid for p in use._workers._pool}
        first, second = use.encode(texts), use.encode(texts)
        assert {p.pid for p in use._workers._pool} == pids and os.getpid() not in pids
    finally:
        use.close_workers()
    assert use._workers is None
    assert np.array_equal(first, per_call)
    assert np.array_equal(second, per_call)
