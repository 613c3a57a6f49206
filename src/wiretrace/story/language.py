"""The language of each article, where it is plain: what tells a pair in one language.

The event match lifts the word views of a pair "in two languages" (sharing almost no
words while its encoders find it close; see :mod:`wiretrace.story.fusion`). Two articles
that are plainly in one language are never such a pair, whatever their vectors say: they
share few words because they say different things. Knowing that before embedding lets
blocking skip the vectors of an article whose pairs could only reach a story through
that lift (:meth:`wiretrace.story.similarity.StorySpace.match_bound`).

The identifier is langid.py (Lui and Baldwin, 2012; the ``py3langid`` package, which
ships its model): a naive Bayes over byte n-grams, 97 languages, about 3,400 leads of
100 words a second on one core here. A language counts only when the identifier gives it
at least :data:`SURE` of its (normalised) probability; a text too short or too mixed to
tell gets ``""``, and a pair holding one is not known to be in one language.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from wiretrace.story.lexical import remembered

#: Words of each text the identifier reads: the head of a lead is plenty, and the cost
#: grows with the length.
WORDS = 60
#: Normalised probability of its best language under which a text's language is unknown.
SURE = 0.95


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def languages(texts: Sequence[str]) -> np.ndarray:
    """The ISO 639-1 code of each text's language, or ``""`` where it is not plain.

    A long-running caller (the service's engine) asks again, each round, for the stored
    texts around its new ones: with the term memo on (:func:`remember_terms`), each text is
    identified once."""
    if not texts:
        return np.array([], dtype=object)
    return np.array([remembered("language", t, _language) for t in texts], dtype=object)


def _language(text: str) -> str:
    head = " ".join(text.split()[:WORDS])
    code, probability = _identifier().classify(head) if head else ("", 0.0)
    return code if probability >= SURE else ""


def one_language(codes: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Whether each pair (i[k], j[k]) is plainly in one language (both known, the same)."""
    if len(codes) == 0:
        return np.zeros(np.broadcast(i, j).shape, dtype=bool)
    a, b = codes[i], codes[j]
    return (a == b) & (a != "")
