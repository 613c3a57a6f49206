"""Fingerprints of articles (wiretrace.fingerprint): keys shared by copies only."""

from wiretrace.config import Config
from wiretrace.fingerprint import (
    FingerprintSettings,
    fingerprint_batch,
)
from wiretrace.fingerprint.shingles import word_spans


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


def test_the_stage_reads_its_settings_alike_from_a_config():
    texts = [["the council voted to close the harbour ferry for the winter months " * 3]]
    config = Config(fingerprint=FingerprintSettings(shingle_size=3, passage_num_perm=16))
    [from_config] = fingerprint_batch(texts, ["a"], config)
    [from_settings] = fingerprint_batch(texts, ["a"], config.fingerprint)
    assert from_config.doc_keys.tolist() == from_settings.doc_keys.tolist()
    assert from_config.passage_keys.tolist() == from_settings.passage_keys.tolist()
