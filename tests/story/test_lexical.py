"""The TF-IDF views: remembered terms give the very same rows as terms analysed anew."""

import numpy as np
import pytest

from wiretrace.story import lexical
from wiretrace.story.lexical import (
    LexicalSpace,
    names_and_numbers,
    numbers_rows,
    plain_rows,
    words_and_plain_rows,
)

TEXTS = [
    "Lavrov said Russia and the United States will hold talks in Geneva on January 10.",
    "The talks in Geneva, Lavrov said, would cover 2 treaties and 300 missiles.",
    "The city library will stay open until ten in the evening from next month.",
    "Der Bürgermeister sagte am Montag, die Bibliothek bleibe bis 22 Uhr geöffnet.",
]


def _rows(texts: list[str]) -> list:
    space = LexicalSpace(texts)
    # "Zanzibar" is in no text: a term the fitted vocabulary does not hold is left out
    paragraphs = space.transform(["Lavrov and Geneva", "the library at ten", "Zanzibar, 1964"])
    return [
        *space.views,
        *paragraphs.views,
        *words_and_plain_rows(texts),
        plain_rows(texts),
        numbers_rows(texts),
    ]


@pytest.fixture
def remembered():
    lexical.remember_terms(3)
    yield lexical._MEMO
    lexical.remember_terms(None)


def test_remembered_terms_give_the_same_rows_bit_for_bit(remembered):
    lexical.remember_terms(None)
    fresh = [_rows(TEXTS[:3]), _rows(TEXTS[1:])]
    lexical.remember_terms(3)
    memo = lexical._MEMO
    # the second fit reads two of its texts' terms from the first one's
    again = [_rows(TEXTS[:3]), _rows(TEXTS[1:])]
    for before, after in zip(fresh, again, strict=True):
        for x, y in zip(before, after, strict=True):
            assert x.shape == y.shape
            assert np.array_equal(x.indices, y.indices) and np.array_equal(x.indptr, y.indptr)
            assert np.array_equal(x.data, y.data)
    # at most 3 texts per kind: the least recently used went
    assert memo.kinds and all(len(texts) <= 3 for texts in memo.kinds.values())
    # a text's counts are kept as term numbers, not as its words
    counted = [k for k in memo.kinds if isinstance(k, lexical.Counted)]
    assert counted and all(
        isinstance(v, tuple) and v[0].dtype == np.int32
        for k in counted
        for v in memo.kinds[k].values()
    )


def test_term_numbers_start_afresh_past_their_cap_and_give_the_same_rows():
    lexical.remember_terms(None)
    fresh = [_rows(TEXTS[:3]), _rows(TEXTS[1:]), _rows(TEXTS)]
    try:
        lexical._MEMO = memo = lexical.TermMemo(10, most_terms=8)
        again = [_rows(TEXTS[:3]), _rows(TEXTS[1:]), _rows(TEXTS)]
        assert all(len(n) <= 8 + 60 for n in memo.numbers.values())  # reset, then one fit's terms
    finally:
        lexical.remember_terms(None)
    for before, after in zip(fresh, again, strict=True):
        for x, y in zip(before, after, strict=True):
            assert (x != y).nnz == 0 and np.array_equal(x.indices, y.indices)


def test_the_memo_keeps_digests_not_texts_and_forgets_the_oldest(remembered):
    calls: list[str] = []

    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    for text in ["a", "b", "a", "c", "d", "a"]:
        assert remembered.get("kind", text, upper) == text.upper()
    assert calls == ["a", "b", "c", "d"]  # "a" stayed (used again), "b" went first
    assert all(isinstance(k, bytes) and len(k) == 16 for k in remembered.kinds["kind"])
    remembered.get("kind", "b", upper)
    assert calls[-1] == "b"


def test_no_memo_unless_turned_on():
    assert lexical._MEMO is None
    _rows(TEXTS)
    assert lexical._MEMO is None


def test_word_and_plain_rows_from_one_tokenisation_are_those_of_two():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["The visit of the minister to Oslo", "A minister and the visit", "of the and", ""]
    words, plain = words_and_plain_rows(texts)
    alone = TfidfVectorizer(sublinear_tf=True, dtype=np.float32).fit_transform(texts)
    assert abs(words - alone).max() == 0 and abs(plain - plain_rows(texts)).max() == 0
    words, plain = words_and_plain_rows(["", "  "])  # no term at all: zero rows
    assert words.nnz == plain.nnz == 0 and words.shape[0] == plain.shape[0] == 2


def test_names_and_numbers_skip_sentence_starts_and_caseless_scripts():
    text = "The minister met Anna Berg in Oslo. Talks resume on 12 May. They agreed."
    assert names_and_numbers(text) == "anna berg oslo 12 may"
    assert names_and_numbers("قال الوزير إن المحادثات ستستأنف") == ""
    assert names_and_numbers("") == names_and_numbers("  ") == ""


def test_lexical_similarity_prefers_the_same_event():
    texts = [
        "Actress Tara Reid checked into Promises rehab center in Malibu, her publicist said.",
        "Tara Reid has entered Promises, a rehab facility in Malibu, a spokesman confirmed.",
        "Actress Lindsay Lohan checked into the Betty Ford rehab center in California.",
    ]
    space = LexicalSpace(texts)
    sims = space.matrix(np.arange(3))
    assert sims[0, 1] > sims[0, 2]
    assert np.allclose(sims, sims.T) and np.allclose(np.diag(sims), 1.0)


def test_event_views_plain_words_and_numbers_as_written():
    from wiretrace.story.lexical import numbers_rows, plain_rows

    numbers = numbers_rows(
        [
            "Fined $1,200 on 3 May 2019, 9/11 anniversary.",
            "The 1,200 dollar fine of 3 May 2019.",
            "No figures in this one.",
        ]
    )
    dots = (numbers @ numbers.T).toarray()
    assert dots[0, 1] > 0.5  # "1,200", "3" and "2019" shared, each as written
    assert dots[0, 2] == dots[1, 2] == 0.0  # no numbers: no agreement, not a match
    # Digits in a name are no figure: two reports sharing only "COVID-19" or "G20" share no
    # number, while a score or a season written with a hyphen keeps its figures.
    numbers = numbers_rows(["COVID-19 cases at the G20", "New COVID-19 rules for G20 F-35s", "3-2"])
    dots = (numbers @ numbers.T).toarray()
    assert dots[0, 1] == 0.0 and numbers[0].nnz == 0 and numbers[2].nnz == 2
    plain = plain_rows(["The visit of the minister", "A minister and the visit", "of the and"])
    dots = (plain @ plain.T).toarray()
    assert dots[0, 1] == pytest.approx(1.0, abs=1e-5)  # stop words do not count
    assert plain[2].nnz == 0
