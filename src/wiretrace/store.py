"""The persistent store: one SQLite file with articles, fingerprints and relations.

A later run opens the same file, adds its new articles and compares them with
everything stored. Fingerprints carry the tag of the settings that made them
(:meth:`wiretrace.config.Config.fingerprint_tag`); stored ones made under
another tag are rebuilt from the stored text, never compared as they are.
Each batch is written in one transaction, so an interrupted run leaves the
store as it was before that batch.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import orjson

from wiretrace.fingerprint import Fingerprint
from wiretrace.records import AlignedPassage, CleanArticle, Relation

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    record BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS fingerprints (
    id TEXT PRIMARY KEY REFERENCES articles(id),
    tag TEXT NOT NULL,
    words INTEGER NOT NULL,
    doc_keys BLOB NOT NULL,
    passage_keys BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS relations (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    record BLOB NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE TABLE IF NOT EXISTS boilerplate (key BLOB PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS embeddings (
    key BLOB PRIMARY KEY,  -- blake2b of (encoder, text): content-addressed
    vector BLOB NOT NULL   -- float32
);
"""


def content_hash(article: CleanArticle) -> str:
    return hashlib.blake2b(article.text.encode("utf-8"), digest_size=16).hexdigest()


def article_from_record(data: bytes) -> CleanArticle:
    return CleanArticle(**orjson.loads(data))


def relation_from_record(data: bytes) -> Relation:
    raw = orjson.loads(data)
    raw["evidence"] = [AlignedPassage(**e) for e in raw["evidence"]]
    return Relation(**raw)


class Store:
    """Articles, fingerprints, relations and learned boilerplate in one SQLite file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        version = self.get_meta("schema_version")
        if version is None:
            self.set_meta("schema_version", str(SCHEMA_VERSION))
        elif int(version) != SCHEMA_VERSION:
            raise RuntimeError(
                f"{path}: store schema {version}, this wiretrace needs {SCHEMA_VERSION}"
            )
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- meta -----------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- articles -------------------------------------------------------------
    def content_hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, content_hash FROM articles"))

    def articles(self) -> Iterator[CleanArticle]:
        for (record,) in self.db.execute("SELECT record FROM articles ORDER BY seq"):
            yield article_from_record(record)

    def article_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def fingerprints(self) -> Iterator[tuple[str, str, Fingerprint]]:
        """(id, tag, fingerprint) of every stored article, in insertion order."""
        query = (
            "SELECT f.id, f.tag, f.words, f.doc_keys, f.passage_keys FROM fingerprints f "
            "JOIN articles a ON a.id = f.id ORDER BY a.seq"
        )
        for id_, tag, words, doc_keys, passage_keys in self.db.execute(query):
            fp = Fingerprint(
                id_,
                np.frombuffer(doc_keys, dtype=np.uint64),
                np.frombuffer(passage_keys, dtype=np.uint64),
                words,
            )
            yield id_, tag, fp

    def add(
        self, articles: Iterable[CleanArticle], fingerprints: Iterable[Fingerprint], tag: str
    ) -> None:
        """Store articles with their fingerprints in one transaction."""
        with self.db:
            self.db.executemany(
                "INSERT INTO articles (id, content_hash, record) VALUES (?, ?, ?)",
                ((a.id, content_hash(a), orjson.dumps(a.to_dict())) for a in articles),
            )
            self.put_fingerprints(fingerprints, tag)

    def put_fingerprints(self, fingerprints: Iterable[Fingerprint], tag: str) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO fingerprints VALUES (?, ?, ?, ?, ?)",
            (
                (f.id, tag, f.words, f.doc_keys.tobytes(), f.passage_keys.tobytes())
                for f in fingerprints
            ),
        )

    # -- relations ------------------------------------------------------------
    def relations(self) -> Iterator[Relation]:
        for (record,) in self.db.execute("SELECT record FROM relations ORDER BY a, b"):
            yield relation_from_record(record)

    def add_relations(self, relations: Iterable[Relation]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO relations VALUES (?, ?, ?)",
                ((r.a, r.b, orjson.dumps(r.to_dict())) for r in relations),
            )

    # -- embeddings -------------------------------------------------------------
    def vectors(self, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        """Stored vectors of the given keys (see :func:`wiretrace.story.encoder.text_key`)."""
        found: dict[bytes, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT key, vector FROM embeddings WHERE key IN ({marks})"
            for key, blob in self.db.execute(query, part):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def add_vectors(self, items: dict[bytes, np.ndarray]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?)",
                ((k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()),
            )

    # -- boilerplate ----------------------------------------------------------
    def boilerplate(self) -> dict[bytes, int]:
        return dict(self.db.execute("SELECT key, df FROM boilerplate"))

    def add_boilerplate(self, learned: dict[bytes, int]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT INTO boilerplate VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET df = MAX(df, excluded.df)",
                learned.items(),
            )
