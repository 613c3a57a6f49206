"""Sentence encoders behind one small interface, loaded from installed packages only.

No machine here reaches a model hub, so an encoder is usable only when its
weights ship inside an installed package (or a local file). Swapping in a
bigger model means writing one class with :meth:`Encoder.encode`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    """Maps texts to L2-normalised vectors; cosine = dot product."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class EncoderUnavailable(RuntimeError):
    """The encoder's package is not installed; the message says what to install."""


def load_encoder(name: str) -> Encoder | None:
    """The encoder called ``name`` ("none" for lexical matching only)."""
    if name in ("", "none"):
        return None
    raise EncoderUnavailable(f"unknown encoder {name!r}")
