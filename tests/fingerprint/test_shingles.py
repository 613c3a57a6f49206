"""Word shingles of paragraphs, in any script, hashed alike in groups or at once."""

import numpy as np

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


def test_large_inputs_are_hashed_in_groups_with_the_same_result(monkeypatch):
    import wiretrace.fingerprint.shingles as shingles

    paragraphs = [f"Paragraph {i} tells of event number {i * 7} in the city." for i in range(50)]
    paragraphs[10] = "Short one"
    whole = shingles.shingle_paragraphs(paragraphs, 4)
    monkeypatch.setattr(shingles, "GROUP", 8)
    grouped = shingles.shingle_paragraphs(paragraphs, 4)
    for field in ("hashes", "paragraph", "position", "words", "word_bytes", "first_word"):
        assert np.array_equal(getattr(whole, field), getattr(grouped, field)), field
