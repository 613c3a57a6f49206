"""The fused same-story scores: two logistics over the views, fitted on dev data.

Two questions, two scores:

* **similarity** -- how alike two articles' stories are, on the scale of human
  ratings (SemEval-2022 Task 8: 1 = the same story ... 4 = very dissimilar)::

      sim = sigmoid(bias + sum_v w_v * view_v)

  over the pair's views (:meth:`wiretrace.story.similarity.StorySpace.views`):
  word TF-IDF cosines of the leads and of the whole texts, the names-and-numbers
  cosine, each encoder's cosines (lead; mean of the lead's pieces; mean best
  match of the pieces) and two descriptors of the pair's lengths. Fitted on the
  SemEval dev pairs alone (target ``(4 - overall) / 3``).

* **match** -- whether two articles report the *same event*, which is what
  puts them in one story::

      match = sigmoid(b + a * logit(sim) + c_names * names' + c_plain * plain
                      + c_head * head + c_numbers * numbers)

  Fitted on the ECB+ dev topics (1 = same seminal event, 0 = the topic's other
  event or another topic), every weight at least 0. Two earthquakes are
  described alike (high ``sim``) but not with the same places, names and
  counts: ECB+ is built of such pairs, and its labels are binary event
  identity, not a graded rating. The event views (:data:`MATCH_VIEWS`) are
  the facts that tell two close events of the same actors apart (a secret
  visit to a country; that country's test moratorium three days later):

  - ``plain``: the cosine of the whole texts as plain TF-IDF (sublinear tf,
    English stop words dropped): what was said, not only who said it;
  - ``head``: the same cosine on the title and the first ``HEAD_WORDS`` words,
    where a report states its key facts (who did what);
  - ``numbers``: the TF-IDF cosine of the numbers written anywhere in the
    texts (counts, sums, days and years of dates), 0 when either has none.

  Names alone (``c * names'`` beside the similarity, as the match was first
  fitted) merge such events. With these views, fitted on ECB+ dev alone, ARI on
  sets never fitted on rose on the close events built from AllSides
  (:mod:`wiretrace_bench.close_events`) from 0.40 to 0.43 (dev half) and 0.42 to
  0.48 (test half), on the ECB+ train topics from 0.83 to 0.89 and on the ECB+
  test topics from 0.89 to 0.94 (``wiretrace eval events``, ``eval ecbplus``).

Why two: fitted as one logistic on both sets, the score served neither (SemEval
grouped-CV r 0.773, against 0.80 for the similarity alone; and the similarity
alone, fitted on SemEval, puts two similar events in one story: ECB+ test ARI
0.78). Human "same story" ratings reward shared meaning and barely the names;
telling two similar events apart needs the names first.

``names'`` is the names-and-numbers cosine, or the lead word cosine when either
article has none (caseless scripts such as Arabic): that is what leaving the
empty view out of a mean amounts to, so no fit can use the presence of names as
a switch for one language.

Pairs in two languages share almost no words, so their word views say nothing,
and no training set has such pairs. A pair is taken to be in two languages when
its lead word cosine is below ``rewrite_foreign_word_similarity`` while its
encoders find it close (mean calibrated lead cosine at least
``story.foreign_min_encoder_similarity``), unless both articles are plainly in one
language (:mod:`wiretrace.story.language`); each word view is then imputed from
the other views by the linear regression fitted on the training pairs that do
share words (and kept if higher); so are the event views ``plain`` and
``head``, from the same SemEval pairs. It keeps a translation scored as the
same story and the same event.

The weights are learned by :func:`fit` and :func:`fit_match` (``wiretrace train
fusion``) on the standardised views (mean 0, sd 1), with a tiny L2 penalty that
only keeps the fit well posed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: The weights shipped with the package; ``wiretrace train fusion --out`` naming this file
#: (in a checkout) refits them.
WEIGHTS_FILE = Path(__file__).with_name("fusion_weights.json")
#: Views from the words alone (no encoder), as :meth:`StorySpace.views` names them.
LEXICAL_VIEWS = ("word", "text", "names")
#: Descriptors of the pair's lengths: not similarities (their weights may be negative).
LENGTH_VIEWS = ("length_ratio", "shorter_length")
#: The views imputed for pairs in two languages (they count shared words).
WORD_VIEWS = ("word", "text")
#: An encoder's views, by suffix: the lead, the mean of the lead's pieces, their best matches.
ENCODER_SUFFIXES = ("", "_mean", "_pieces")
#: The views the event match weighs besides the similarity (see the module docstring).
MATCH_VIEWS = ("names", "plain", "head", "numbers")
#: The event views that count shared words: imputed for pairs in two languages, as the
#: similarity's word views are (numbers are written alike in most languages).
EVENT_WORD_VIEWS = ("plain", "head")
#: Words of title and lead in the ``head`` view: the headline and about one sentence.
HEAD_WORDS = 40
#: L2 penalty on the standardised weights.
PENALTY = 1e-6
#: A weight this small (the bounded fit leaves some at ~1e-16) is no weight: its view is not
#: computed at all.
NEGLIGIBLE = 1e-9


def encoder_key(names: list[str] | tuple[str, ...]) -> str:
    """Key of an encoder set in the weights file: "use", "e5+use", or "none"."""
    return "+".join(names) or "none"


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1.0 - p))


def view_names(encoders: list[str] | tuple[str, ...]) -> list[str]:
    """Every view of the similarity for this encoder set, in a fixed order."""
    return [*LEXICAL_VIEWS, *(e + s for e in encoders for s in ENCODER_SUFFIXES), *LENGTH_VIEWS]


@dataclass(frozen=True)
class Fusion:
    """``sigmoid(bias + sum of weight * view)`` over named views, and the event match."""

    bias: float
    weights: dict[str, float]
    #: Each word view as a linear function of the others ("bias" and one coefficient per
    #: other view), for pairs in two languages: {view: {"bias": .., other view: ..}}.
    word_from: dict[str, dict[str, float]] = field(default_factory=dict)
    #: The match: {"bias": b, "similarity": a (on the logit), view: c for each view it
    #: weighs}; empty = the match is the similarity itself.
    match: dict[str, float] = field(default_factory=dict)
    #: Where the weights come from (data files, date, pairs, cross-validated r ...).
    about: dict = field(default_factory=dict, compare=False)

    def score(self, views: dict[str, np.ndarray]) -> np.ndarray:
        """Fused similarity; ``views`` maps each view name to an array (any shape, alike)."""
        z = self.bias + sum(
            w * np.asarray(views[name], dtype=np.float64)
            for name, w in self.weights.items()
            if abs(w) > NEGLIGIBLE
        )
        return sigmoid(np.asarray(z, dtype=np.float64))

    def views_read(self) -> set[str]:
        """The views the scores read: those the similarity or the match weighs, and those the
        word views of a pair in two languages are imputed from."""
        weighed = {v for v, w in self.weights.items() if abs(w) > NEGLIGIBLE}
        event = {
            v
            for v, c in self.match.items()
            if v not in ("bias", "similarity") and abs(c) > NEGLIGIBLE
        }
        return (
            weighed | event | {v for coef in self.word_from.values() for v in coef if v != "bias"}
        )

    def event_match(self, similarity: np.ndarray, views: dict[str, np.ndarray]) -> np.ndarray:
        """Whether the pairs report the same event, from their similarity and event views."""
        if not self.match:
            return np.asarray(similarity, dtype=np.float64)
        z = self.match["bias"] + self.match["similarity"] * logit(similarity)
        for name, c in self.match.items():
            if name not in ("bias", "similarity") and c != 0.0:
                z = z + c * np.asarray(views[name], dtype=np.float64)
        return sigmoid(z)

    def imputed(self, view: str, views: dict[str, np.ndarray]) -> np.ndarray:
        """Word view ``view`` expected from the other views (for pairs in two languages)."""
        coef = self.word_from[view]
        out = np.full(np.shape(views[view]), coef.get("bias", 0.0))
        for name, c in coef.items():
            if name != "bias":
                out = out + c * np.asarray(views[name], dtype=np.float64)
        return out

    def to_dict(self) -> dict:
        return {
            "bias": self.bias,
            "weights": self.weights,
            "word_from": self.word_from,
            "match": self.match,
            **self.about,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Fusion:
        known = ("bias", "weights", "word_from", "match")
        about = {k: v for k, v in data.items() if k not in known}
        return cls(
            float(data["bias"]),
            {k: float(v) for k, v in data["weights"].items()},
            {
                v: {k: float(c) for k, c in coef.items()}
                for v, coef in data.get("word_from", {}).items()
            },
            {k: float(v) for k, v in data.get("match", {}).items()},
            about,
        )


def load(key: str, path: Path = WEIGHTS_FILE) -> Fusion | None:
    """The fitted fusion for encoder set ``key``, or None when none was trained for it."""
    if not path.exists():
        return None
    fits = json.loads(path.read_text(encoding="utf-8")).get("fits", {})
    return Fusion.from_dict(fits[key]) if key in fits else None


def save(key: str, fusion: Fusion, path: Path) -> None:
    """Write ``fusion`` under ``key``, keeping the other encoder sets' fits in the file."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data["model"] = (
        "sim = sigmoid(bias + sum(weights[v] * view v)); "
        "match = sigmoid(match.bias + match.similarity * logit(sim) "
        "+ sum(match[v] * view v for the match's other keys))"
    )
    data["views"] = (
        "word: word TF-IDF cosine of the leads (title + 300 words); text: of the "
        "whole texts; names: names-and-numbers TF-IDF cosine of the leads, the word "
        "cosine when either article has none; ENC: raw cosine of an encoder's vectors "
        "of the leads' first encoder_lead_words words; ENC_mean: of the means of the "
        "leads' pieces of that many words; ENC_pieces: mean best cosine of each piece "
        "with the other's pieces "
        "(both ways); length_ratio: log(1 + shorter words) / log(1 + longer words); "
        "shorter_length: log(1 + shorter words); plain: plain TF-IDF cosine "
        "(sublinear tf, English stop words dropped) of the whole texts; head: the "
        "same of the title "
        f"and first {HEAD_WORDS} words; numbers: TF-IDF cosine of the numbers written "
        "in the whole texts, 0 when either has none"
    )
    data["command"] = "wiretrace train fusion"
    data.setdefault("fits", {})[key] = fusion.to_dict()
    data["fits"] = dict(sorted(data["fits"].items()))
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _logistic(
    x: np.ndarray, t: np.ndarray, root: np.ndarray, positive: np.ndarray | None = None
) -> tuple[float, np.ndarray]:
    """Least-squares logistic ``sigmoid(bias + x @ w) ~ t`` with per-pair weights root**2;
    ``w[k] >= 0`` where ``positive[k]``."""
    from scipy.optimize import least_squares

    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-12
    z = (x - mu) / sd

    def residuals(p: np.ndarray) -> np.ndarray:
        return np.concatenate([root * (sigmoid(p[0] + z @ p[1:]) - t), np.sqrt(PENALTY) * p[1:]])

    low = np.full(x.shape[1] + 1, -np.inf)
    if positive is not None:
        low[1:][positive] = 0.0
    start = np.r_[0.0, np.full(x.shape[1], 0.1)]  # inside the bounds: the solver needs it
    p = least_squares(residuals, start, bounds=(low, np.inf)).x
    return float(p[0] - (mu / sd) @ p[1:]), p[1:] / sd


def fit(
    parts: list[tuple[np.ndarray, np.ndarray]], names: list[str], min_word: float = 0.1
) -> Fusion:
    """Least-squares logistic fit of the similarity over one or more training sets weighing
    alike (no similarity view with a negative weight), and the regressions of the word
    views on the others over the pairs with a lead word cosine of at least ``min_word``.

    ``parts`` holds (X, t) per set: X an (n, len(names)) array of views, t targets in [0, 1].
    """
    x = np.vstack([p[0] for p in parts]).astype(np.float64)
    t = np.concatenate([p[1] for p in parts]).astype(np.float64)
    root = np.sqrt(np.concatenate([np.full(len(p[1]), 1.0 / len(p[1])) for p in parts]))
    # A similarity view never lowers the score (correlated views would otherwise trade
    # signs); the length descriptors may go either way.
    bias, weights = _logistic(x, t, root, np.array([n not in LENGTH_VIEWS for n in names]))
    word_from = word_regressions(
        dict(zip(names, x.T, strict=True)), names, [v for v in WORD_VIEWS if v in names], min_word
    )
    return Fusion(bias, {n: float(w) for n, w in zip(names, weights, strict=True)}, word_from)


def word_regressions(
    views: dict[str, np.ndarray], names: list[str], targets, min_word: float
) -> dict[str, dict[str, float]]:
    """Each view in ``targets`` (one counting shared words) as a least-squares linear function
    ``bias + sum_u c_u * view_u`` of the views among ``names`` that count no words and are no
    lengths, fitted over the pairs with a lead word cosine of at least ``min_word`` (pairs in
    one language, where the word views mean something)."""
    shared = np.asarray(views["word"]) >= min_word
    others = [
        n
        for n in names
        if n not in WORD_VIEWS and n not in EVENT_WORD_VIEWS and n not in LENGTH_VIEWS
    ]
    columns = {n: np.asarray(views[n], dtype=np.float64)[shared] for n in others}
    # A view equal to one before it (an encoder's three lead views, when it reads one piece
    # of the lead) gets no coefficient: least squares would split one coefficient between
    # them as huge opposite ones, which turn the views' rounding noise into imputed values.
    distinct = [
        n
        for k, n in enumerate(others)
        if not any(np.allclose(columns[n], columns[m], atol=1e-5) for m in others[:k])
    ]
    design = np.column_stack([np.ones(int(shared.sum())), *(columns[n] for n in distinct)])
    out = {}
    for view in targets:
        coef = np.linalg.lstsq(design, np.asarray(views[view])[shared], rcond=None)[0]
        fitted = dict(zip(distinct, coef[1:], strict=True))
        out[view] = {
            "bias": float(coef[0]),
            **{n: float(fitted.get(n, 0.0)) for n in others},
        }
    return out


def fit_match(
    similarity: np.ndarray,
    views: dict[str, np.ndarray],
    same_event: np.ndarray,
    names: tuple[str, ...] = MATCH_VIEWS,
    weights: np.ndarray | None = None,
) -> dict:
    """The event match's numbers, from pairs' similarity, event views and 0/1 labels:
    ``sigmoid(b + a * logit(sim) + sum_v c_v * view_v)`` with every ``a, c_v >= 0`` (no
    agreement counts against an event). ``weights`` weigh the pairs (default: alike)."""
    x = np.column_stack([logit(similarity), *(views[n] for n in names)])
    w = np.ones(len(same_event)) if weights is None else np.asarray(weights, dtype=np.float64)
    bias, c = _logistic(
        x, same_event.astype(np.float64), np.sqrt(w / w.sum()), np.ones(x.shape[1], dtype=bool)
    )
    return {
        "bias": bias,
        "similarity": float(c[0]),
        **{n: float(v) for n, v in zip(names, c[1:], strict=True)},
    }
