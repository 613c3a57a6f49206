"""The language of an article where it is plain, and pairs plainly in one language."""

from __future__ import annotations

import numpy as np

from wiretrace.story.language import languages, one_language

ENGLISH = (
    "The minister said on Tuesday that the government would hold talks with the unions "
    "next week, after months of strikes over pay and pensions."
)
FRENCH = (
    "Le ministre a déclaré mardi que le gouvernement engagerait des discussions avec les "
    "syndicats la semaine prochaine, après des mois de grèves sur les salaires."
)
GERMAN = (
    "Der Minister sagte am Dienstag, die Regierung werde in der kommenden Woche Gespräche "
    "mit den Gewerkschaften führen, nach monatelangen Streiks um Löhne."
)


def test_each_plain_language_is_named_and_a_text_too_short_to_tell_is_not():
    codes = languages([ENGLISH, FRENCH, GERMAN, "", "OK 12"])
    assert codes.tolist() == ["en", "fr", "de", "", ""]


def test_a_pair_is_in_one_language_only_when_both_are_known_and_the_same():
    codes = np.array(["en", "en", "fr", ""], dtype=object)
    i, j = np.array([0, 0, 3, 3]), np.array([1, 2, 0, 3])
    assert one_language(codes, i, j).tolist() == [True, False, False, False]
    # Broadcasting rows against columns gives the matrix of a window.
    rows = np.arange(4)
    matrix = one_language(codes, rows[:, None], rows[None, :])
    assert matrix.shape == (4, 4) and matrix[0, 1] and not matrix[2, 2 - 1]
    assert not one_language(np.array([], dtype=object), i, j).any()


def test_a_long_running_caller_identifies_each_text_once(monkeypatch):
    """With the term memo on (the service's engine), a stored text asked about again in a
    later round is not identified again."""
    from wiretrace.story import language
    from wiretrace.story.lexical import remember_terms

    asked: list[str] = []
    identify = language._language
    monkeypatch.setattr(language, "_language", lambda t: asked.append(t) or identify(t))
    texts = [
        "The council approved the new budget for the city's schools on Tuesday evening.",
        "Le conseil municipal a approuvé mardi soir le nouveau budget des écoles de la ville.",
    ]
    remember_terms(100)
    try:
        first = language.languages(texts)
        again = language.languages([*texts, "Ein ganz neuer Satz über das Wetter in Berlin."])
    finally:
        remember_terms(None)
    assert list(first) == ["en", "fr"] and list(again[:2]) == ["en", "fr"]
    assert len(asked) == 3  # the two texts once, and the new one
    language.languages(texts)  # the memo off: identified again
    assert len(asked) == 5
