"""The fused same-story score: a logistic over the views' cosines, fitted on dev data.

For a pair of articles with word TF-IDF cosine ``word``, names-and-numbers cosine
``names`` and, for each encoder ``e``, raw embedding cosine ``cos_e``::

    sim = sigmoid(bias + w_word * word + w_names * names' + sum_e w_e * cos_e)

where ``names'`` is ``names`` when both articles have names and numbers, and
``word`` otherwise (caseless scripts such as Arabic have none): that is what
leaving the empty view out of a mean amounts to, so the fit cannot use the
presence of names as a switch for one language. The score is in (0, 1) by
construction and rises with every view whose weight is positive.

Why a logistic and not the mean of the views: human same-story ratings are an
S-shaped function of the views (flat for unrelated pairs, saturating for
reports of one event), and the views are not worth alike.

The weights are learned by :func:`fit` (``wiretrace train fusion``) on the
*dev* portions of two labelled sets, each weighing alike in the loss::

    L = mean_SemEval (sim - t)^2 + mean_ECB+ (sim - t)^2 + penalty * |v|^2

* SemEval-2022 Task 8 dev pairs, target ``t = (4 - overall) / 3`` (1 = same story);
* ECB+ dev topics: every pair of documents in one topic (``t = 1`` for the same
  event, ``0`` for the topic's other event) and as many random pairs across
  topics (``t = 0``).

Pairs in two languages share almost no words, so their word view says nothing,
and neither training set has such pairs. A pair is taken to be in two
languages when its word cosine is below ``rewrite_foreign_word_similarity`` while
its encoders find it close (mean calibrated cosine at least
``story_foreign_min_encoder_similarity``); its word view is then imputed from the
others by the linear regression ``word ~ word_from`` fitted on the training pairs
that do share words (and kept if higher). No SemEval dev pair and no ECB+ dev or
test pair meets both conditions, so the imputation does not change their figures;
it keeps a translation scored as the same story.

SemEval alone rewards the embedding and the words and not the names; ECB+
(two similar events per topic: two earthquakes) needs the names. Fitting on
both keeps the names in the score. ``v`` are the weights of the standardised
views (mean 0, sd 1 over the training pairs), so the penalty treats each view
alike; it only keeps the fit well posed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: The weights shipped with the package, written by ``wiretrace train fusion``.
WEIGHTS_FILE = Path(__file__).with_name("fusion_weights.json")
#: Lexical views, in the order of :meth:`wiretrace.story.similarity.StorySpace.views`.
LEXICAL_VIEWS = ("word", "names")
#: L2 penalty on the standardised weights.
PENALTY = 1e-6


def encoder_key(names: list[str] | tuple[str, ...]) -> str:
    """Key of an encoder set in the weights file: "use", "e5+use", or "none"."""
    return "+".join(names) or "none"


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


@dataclass(frozen=True)
class Fusion:
    """``sigmoid(bias + sum of weight * view)`` over named views."""

    bias: float
    weights: dict[str, float]
    #: The word view as a linear function of the others ("bias" and one coefficient per
    #: other view), for pairs in two languages.
    word_from: dict[str, float] = field(default_factory=dict)
    #: Where the weights come from (data files, date, pairs, cross-validated r ...).
    about: dict = field(default_factory=dict, compare=False)

    def score(self, views: dict[str, np.ndarray]) -> np.ndarray:
        """Fused similarity; ``views`` maps each view name to an array (any shape, alike)."""
        z = self.bias + sum(w * np.asarray(views[name], dtype=np.float64)
                            for name, w in self.weights.items())
        return sigmoid(np.asarray(z, dtype=np.float64))

    def imputed_word(self, views: dict[str, np.ndarray]) -> np.ndarray:
        """The word view expected from the other views (for pairs in two languages)."""
        out = np.full(np.shape(views["word"]), self.word_from.get("bias", 0.0))
        for name, c in self.word_from.items():
            if name != "bias":
                out = out + c * np.asarray(views[name], dtype=np.float64)
        return out

    def to_dict(self) -> dict:
        return {"bias": self.bias, "weights": self.weights, "word_from": self.word_from,
                **self.about}

    @classmethod
    def from_dict(cls, data: dict) -> Fusion:
        known = ("bias", "weights", "word_from")
        about = {k: v for k, v in data.items() if k not in known}
        return cls(float(data["bias"]), {k: float(v) for k, v in data["weights"].items()},
                   {k: float(v) for k, v in data.get("word_from", {}).items()}, about)


def load(key: str, path: Path = WEIGHTS_FILE) -> Fusion | None:
    """The fitted fusion for encoder set ``key``, or None when none was trained for it."""
    if not path.exists():
        return None
    fits = json.loads(path.read_text(encoding="utf-8")).get("fits", {})
    return Fusion.from_dict(fits[key]) if key in fits else None


def save(key: str, fusion: Fusion, path: Path = WEIGHTS_FILE) -> None:
    """Write ``fusion`` under ``key``, keeping the other encoder sets' fits in the file."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data["model"] = "sim = 1 / (1 + exp(-(bias + sum(weights[v] * view v))))"
    data["views"] = ("word: word TF-IDF cosine; names: names-and-numbers TF-IDF cosine, the word "
                     "cosine when either article has none; an encoder's name: raw cosine of its "
                     "vectors (title + lead)")
    data["command"] = "wiretrace train fusion"
    data.setdefault("fits", {})[key] = fusion.to_dict()
    data["fits"] = dict(sorted(data["fits"].items()))
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def fit(parts: list[tuple[np.ndarray, np.ndarray]], names: list[str],
        min_word: float = 0.1) -> Fusion:
    """Least-squares logistic fit over several training sets weighing alike, and the
    regression of the word view on the others over the pairs with ``word >= min_word``.

    ``parts`` holds (X, t) per set: X an (n, len(names)) array of views, t targets in [0, 1].
    """
    from scipy.optimize import least_squares

    x = np.vstack([p[0] for p in parts]).astype(np.float64)
    t = np.concatenate([p[1] for p in parts]).astype(np.float64)
    root = np.sqrt(np.concatenate([np.full(len(p[1]), 1.0 / len(p[1])) for p in parts]))
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-12
    z = (x - mu) / sd

    def residuals(p: np.ndarray) -> np.ndarray:
        return np.concatenate([root * (sigmoid(p[0] + z @ p[1:]) - t),
                               np.sqrt(PENALTY) * p[1:]])

    p = least_squares(residuals, np.zeros(x.shape[1] + 1)).x
    weights = p[1:] / sd
    bias = p[0] - float((mu / sd) @ p[1:])
    word = names.index("word")
    others = [k for k in range(len(names)) if k != word]
    shared = x[:, word] >= min_word
    design = np.column_stack([np.ones(int(shared.sum())), x[shared][:, others]])
    coef = np.linalg.lstsq(design, x[shared, word], rcond=None)[0]
    word_from = {"bias": float(coef[0]),
                 **{names[k]: float(c) for k, c in zip(others, coef[1:], strict=True)}}
    return Fusion(float(bias), {n: float(w) for n, w in zip(names, weights, strict=True)},
                  word_from)
