import numpy as np
import pytest

from wiretrace.config import Config
from wiretrace.fingerprint import doc_banding, fingerprint_batch, passage_banding
from wiretrace.fingerprint.lsh import choose_bands, detection_probability, edited_jaccard
from wiretrace.fingerprint.minhash import EMPTY, densify, estimate_jaccard, sketch
from wiretrace.fingerprint.shingles import shingle_paragraphs, word_spans


def test_words_match_word_spans_in_any_script():
    text = "Lavrov’s “main work” — talks in Москва, 東京 and café (2021)! l'été"
    words = [text[s:e] for s, e in word_spans(text)]
    assert words == [
        "Lavrov",
        "s",
        "main",
        "work",
        "talks",
        "in",
        "Москва",
        "東京",
        "and",
        "café",
        "2021",
        "l",
        "été",
    ]
    assert shingle_paragraphs([text], 4).words.tolist() == [len(words)]


def test_shingles_ignore_case_punctuation_and_stay_inside_paragraphs():
    a = shingle_paragraphs(["The talks, he said, will start.", "Next one here now."], 3)
    b = shingle_paragraphs(["the TALKS he said will start", "Next one here now"], 3)
    assert np.array_equal(a.hashes, b.hashes)
    assert a.paragraph.tolist() == [0, 0, 0, 0, 1, 1]
    assert a.position.tolist() == [0, 1, 2, 3, 0, 1]
    # Word order matters, and the same words in another paragraph split give other shingles.
    c = shingle_paragraphs(["talks the he said will start"], 3)
    assert not np.array_equal(a.hashes[:4], c.hashes)


def test_short_paragraph_gives_one_shingle():
    sh = shingle_paragraphs(["Two words", "", "one two three four"], 4)
    assert sh.paragraph.tolist() == [0, 2]
    assert sh.words.tolist() == [2, 0, 4]


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


def test_fingerprints_share_keys_for_copies_only():
    base = (
        "The city of Lindholm switched on a floating solar farm on Tuesday, covering most of "
        "a disused reservoir with panels that officials say will power thousands of homes."
    )
    edited = base.replace("switched on", "opened").replace("Tuesday", "Monday")
    other = (
        "The central bank left interest rates unchanged and said inflation would fall next "
        "year as energy prices ease and wage growth slows across the region."
    )
    fps = fingerprint_batch([[base], [edited], [other], []], ["a", "b", "c", "empty"], Config())
    shared = set(fps[0].passage_keys) & set(fps[1].passage_keys)
    assert shared
    assert not set(fps[0].passage_keys) & set(fps[2].passage_keys)
    assert len(fps[3].doc_keys) == 0 and len(fps[3].passage_keys) == 0
    assert [f.words for f in fps] == [len(word_spans(t)) for t in (base, edited, other, "")]


def test_large_inputs_are_hashed_in_groups_with_the_same_result(monkeypatch):
    import wiretrace.fingerprint.shingles as shingles

    paragraphs = [f"Paragraph {i} tells of event number {i * 7} in the city." for i in range(50)]
    paragraphs[10] = "Short one"
    whole = shingles.shingle_paragraphs(paragraphs, 4)
    monkeypatch.setattr(shingles, "GROUP", 8)
    grouped = shingles.shingle_paragraphs(paragraphs, 4)
    for field in ("hashes", "paragraph", "position", "words", "word_bytes", "first_word"):
        assert np.array_equal(getattr(whole, field), getattr(grouped, field)), field


def test_band_keys_pack_into_four_and_a_half_bytes():
    from wiretrace.fingerprint.lsh import KEY_BITS
    from wiretrace.store import pack_keys, unpack_keys

    rng = np.random.default_rng(1)
    for n in (0, 1, 2, 3, 205):
        keys = rng.integers(0, 2**KEY_BITS, size=n, dtype=np.uint64)
        packed = pack_keys(keys)
        assert len(packed) == 4 * n + (n + 1) // 2
        assert np.array_equal(unpack_keys(packed), keys)
