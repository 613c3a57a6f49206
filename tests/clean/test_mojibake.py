"""Mojibake repaired with a note, text without its markers left alone."""

from wiretrace.clean.article import clean_article
from wiretrace.records import Article


def test_mojibake_is_repaired_with_a_note():
    article = clean_article(Article(id="m", text=GARBLED, title="Itâ€™s here"))
    assert article.title == "It’s here"
    assert article.paragraphs == [
        "The president’s plan was “bold”, said café owners – all of them."
    ]
    assert article.notes == ["mojibake repaired by ftfy (7 marked places)"]


def test_text_without_markers_is_left_alone():
    from wiretrace.clean.mojibake import repair_mojibake

    text = "Straight 'quotes', “curly” ones, a café, naïve, Zürich, 東京."
    assert repair_mojibake(text) == (text, 0)
    assert repair_mojibake("A dash¬ and Â alone") == ("A dash¬ and Â alone", 0)
    assert clean_article(Article(id="c", text=text, title="T")).notes == []


GARBLED = "The presidentâ€™s plan was â€œboldâ€\x9d, said cafÃ© owners â€“ all of them."
