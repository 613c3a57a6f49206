import sqlite3
from dataclasses import fields, replace

import numpy as np
import pytest

from wiretrace import copy_engine
from wiretrace.config import SECTIONS, Config, RunSettings, StorySettings
from wiretrace.fingerprint import (
    FingerprintSettings,
    doc_banding,
    fingerprint_articles,
    fingerprint_batch,
    passage_banding,
)
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


FINGERPRINT_FIELDS = [f.name for f in fields(FingerprintSettings)]


def _another(value):
    """A valid setting other than ``value``."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value / 2
    if value is None:
        return 1.0
    return "none" if value != "none" else "use"


@pytest.mark.parametrize("name", FINGERPRINT_FIELDS)
def test_changing_any_fingerprint_setting_changes_the_stored_tag(name):
    settings = Config().fingerprint
    changed = replace(settings, **{name: _another(getattr(settings, name))})
    assert changed.tag() != settings.tag()


def test_no_other_setting_changes_the_stored_tag():
    config = Config()
    tag = config.fingerprint.tag()
    others = [
        (section, f.name)
        for section, kind in SECTIONS.items()
        if section != "fingerprint"
        for f in fields(kind)
    ]
    assert len(others) > 30
    for section, name in others:
        settings = getattr(config, section)
        changed = replace(settings, **{name: _another(getattr(settings, name))})
        assert replace(config, **{section: changed}).fingerprint.tag() == tag, name


def test_the_tag_of_the_shipped_settings_holds():
    """Every store's fingerprints were made under this tag: changing it (a field added to
    FingerprintSettings, a default changed, ALGORITHM_VERSION bumped) has every store
    fingerprint its articles again on its next run. Say so in CHANGELOG.md, then update."""
    assert Config().fingerprint.tag() == "9c32df7d"


def test_the_stage_reads_its_settings_alike_from_a_config():
    texts = [["the council voted to close the harbour ferry for the winter months " * 3]]
    config = Config(fingerprint=FingerprintSettings(shingle_size=3, passage_num_perm=16))
    [from_config] = fingerprint_batch(texts, ["a"], config)
    [from_settings] = fingerprint_batch(texts, ["a"], config.fingerprint)
    assert from_config.doc_keys.tolist() == from_settings.doc_keys.tolist()
    assert from_config.passage_keys.tolist() == from_settings.passage_keys.tolist()


def test_fingerprints_of_another_tag_are_rebuilt_each_once(demo_dir, tmp_path, monkeypatch):
    from wiretrace import run
    from wiretrace.store import Store

    db = tmp_path / "index.db"
    run([demo_dir], Config(run=RunSettings(workers=1), story=StorySettings(enabled=False)), db=db)
    with sqlite3.connect(db) as con:
        con.execute("UPDATE fingerprints SET tag = 'old'")
    con.close()
    made: list[str] = []

    def counting(articles, settings):
        made.extend(a.id for a in articles)
        return fingerprint_articles(articles, settings)

    monkeypatch.setattr(copy_engine, "fingerprint_articles", counting)
    monkeypatch.setattr(copy_engine, "REBUILD_BATCH", 2)
    with Store(db) as store:
        fps = copy_engine.stored_fingerprints(store, Config())
        ids = store.article_ids()
        tags = {t for _, t, _ in store.fingerprints()}
    assert sorted(made) == sorted(ids) and len(ids) > 2
    assert [f.id for f in fps] == ids
    assert tags == {Config().fingerprint.tag()}
