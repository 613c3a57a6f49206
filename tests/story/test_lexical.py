"""The TF-IDF views: remembered terms give the very same rows as terms analysed anew."""

import numpy as np
import pytest

from wiretrace.story import lexical
from wiretrace.story.lexical import LexicalSpace, numbers_rows, plain_rows, words_and_plain_rows

TEXTS = [
    "Lavrov said Russia and the United States will hold talks in Geneva on January 10.",
    "The talks in Geneva, Lavrov said, would cover 2 treaties and 300 missiles.",
    "The city library will stay open until ten in the evening from next month.",
    "Der Bürgermeister sagte am Montag, die Bibliothek bleibe bis 22 Uhr geöffnet.",
]


def _rows(texts: list[str]) -> list:
    space = LexicalSpace(texts)
    paragraphs = space.transform(["Lavrov and Geneva", "the library at ten"])
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
