"""The persistent store: one SQLite file holding the index across runs.

It holds articles, fingerprints, copy relations, learned boilerplate and
cached embeddings, and the state derived from them: meaning-level relations,
copy families, stories, lineages and diffs. A later run opens the same file,
compares its new articles with everything stored, and replaces the derived
state.

Everything a run adds is written in **one transaction** at its end
(:meth:`Store.commit_run`), so a run killed at any moment (SIGKILL included)
leaves the store exactly as the last finished run left it, and running again
redoes the work: nothing lost, nothing doubled. The only writes before that
are content-addressed caches (embeddings, fingerprints rebuilt under new
settings), which are correct whenever they land.

Fingerprints carry the tag of the settings that made them
(:meth:`wiretrace.config.Config.fingerprint_tag`); stored ones made under
another tag are rebuilt from the stored text, never compared as they are.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson

from wiretrace.fingerprint import Fingerprint
from wiretrace.fingerprint.lsh import KEY_BITS
from wiretrace.records import AlignedPassage, CleanArticle, Relation
from wiretrace.storelock import StoreLock

#: 2 added the derived-state tables; a version-1 store is upgraded in place (they are new).
SCHEMA_VERSION = 2

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
-- Derived state, replaced by every run: meaning-level relations, families, stories,
-- lineages and diffs (JSON records as in the output files).
CREATE TABLE IF NOT EXISTS story_relations (
    a TEXT NOT NULL, b TEXT NOT NULL, record BLOB NOT NULL, PRIMARY KEY (a, b)
);
CREATE TABLE IF NOT EXISTS families (name TEXT PRIMARY KEY, record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS stories (name TEXT PRIMARY KEY, record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS lineages (name TEXT PRIMARY KEY, record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS diffs (id TEXT PRIMARY KEY, record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    finished TEXT NOT NULL,
    articles_new INTEGER NOT NULL,
    articles_total INTEGER NOT NULL
);
"""

#: Tables of derived state and the key column of each.
_DERIVED = {"families": "family", "stories": "story", "lineages": "lineage", "diffs": "id"}


def pack_keys(keys: np.ndarray) -> bytes:
    """36-bit band keys in 4.5 bytes each: the low 32 bits, then the high 4 bits two to a
    byte (see :data:`~wiretrace.fingerprint.lsh.KEY_BITS`)."""
    assert KEY_BITS == 36, "the packing below is for 36-bit keys"
    k = np.asarray(keys, dtype=np.uint64)
    low = (k & np.uint64(0xFFFFFFFF)).astype("<u4").tobytes()
    high = (k >> np.uint64(32)).astype(np.uint8)
    if len(high) % 2:
        high = np.append(high, np.uint8(0))
    return low + (high[0::2] | (high[1::2] << 4)).astype(np.uint8).tobytes()


def unpack_keys(data: bytes) -> np.ndarray:
    n = (2 * len(data)) // 9  # 4.5 bytes a key; an odd count has half a byte of padding
    low = np.frombuffer(data, dtype="<u4", count=n).astype(np.uint64)
    packed = np.frombuffer(data, dtype=np.uint8, offset=4 * n)
    high = np.empty(2 * len(packed), dtype=np.uint64)
    high[0::2] = packed & 0x0F
    high[1::2] = packed >> 4
    return low | (high[:n] << np.uint64(32))


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

    def __init__(self, path: str | Path, read_only: bool = False, wait: float | None = None):
        """``read_only`` takes no lock; a writer first takes the store's writer lock
        (:mod:`wiretrace.storelock`, waiting ``wait`` seconds at most, None: as long as it
        takes) and holds it until :meth:`close`, so that it reads and commits alone."""
        self.path = Path(path)
        self.read_only = read_only
        self.lock: StoreLock | None = None
        if read_only:
            if not self.path.exists():
                raise FileNotFoundError(f"{path}: no such store")
            self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            version = self.get_meta("schema_version")
            if version is None or int(version) != SCHEMA_VERSION:
                raise RuntimeError(f"{path}: store schema {version}, this wiretrace reads "
                                   f"{SCHEMA_VERSION} (a run with --db upgrades it)")
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = StoreLock(self.path, wait).acquire()  # before reading anything
        try:
            self._open_for_writing()
        except BaseException:
            self.lock.release()
            raise

    def _open_for_writing(self) -> None:
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: a killed process loses nothing
        version = self.get_meta("schema_version") if self._has_meta() else None
        if version is not None and int(version) > SCHEMA_VERSION:
            raise RuntimeError(
                f"{self.path}: store schema {version}, this wiretrace needs {SCHEMA_VERSION}"
            )
        with self.db:
            self.db.executescript(_SCHEMA)
            self.set_meta("schema_version", str(SCHEMA_VERSION))

    def _has_meta(self) -> bool:
        return self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone() \
            is not None

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            if self.lock is not None:
                self.lock.release()  # after the commit and the close: the next writer reads it

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
            fp = Fingerprint(id_, unpack_keys(doc_keys), unpack_keys(passage_keys), words)
            yield id_, tag, fp

    def article_ids(self) -> list[str]:
        return [i for (i,) in self.db.execute("SELECT id FROM articles ORDER BY seq")]

    def _add_articles(self, rows: Iterable[tuple[str, str, bytes]]) -> int:
        """Add rows of (id, content hash, JSON record), as :func:`wiretrace.shelf.article_row`
        makes them; return how many."""
        before = self.db.total_changes
        self.db.executemany("INSERT INTO articles (id, content_hash, record) VALUES (?, ?, ?)",
                            rows)
        return self.db.total_changes - before

    def put_fingerprints(self, fingerprints: Iterable[Fingerprint], tag: str) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO fingerprints VALUES (?, ?, ?, ?, ?)",
            (
                (f.id, tag, f.words, pack_keys(f.doc_keys), pack_keys(f.passage_keys))
                for f in fingerprints
            ),
        )

    # -- relations ------------------------------------------------------------
    def relations(self) -> Iterator[Relation]:
        for (record,) in self.db.execute("SELECT record FROM relations ORDER BY a, b"):
            yield relation_from_record(record)

    def story_relations(self) -> Iterator[Relation]:
        for (record,) in self.db.execute("SELECT record FROM story_relations ORDER BY a, b"):
            yield relation_from_record(record)

    def derived(self, table: str) -> list[dict]:
        """Rows of a derived-state table (families, stories, lineages, diffs), as dicts."""
        if table not in _DERIVED:
            raise ValueError(f"no derived table {table}")
        return [orjson.loads(r) for (r,) in self.db.execute(f"SELECT record FROM {table}")]

    def commit_run(self, run: StoredRun) -> None:
        """Everything a run adds, in one transaction: it lands whole or not at all."""
        with self.db:
            added = self._add_articles(run.article_rows)
            self.put_fingerprints(run.fingerprints, run.tag)
            self.db.executemany(
                "INSERT OR REPLACE INTO relations VALUES (?, ?, ?)",
                ((r.a, r.b, orjson.dumps(r.to_dict())) for r in run.copy_relations),
            )
            self.db.executemany(
                "INSERT INTO boilerplate VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET df = MAX(df, excluded.df)",
                run.boilerplate.items(),
            )
            if run.derived is not None:
                self.db.execute("DELETE FROM story_relations")
                self.db.executemany(
                    "INSERT OR REPLACE INTO story_relations VALUES (?, ?, ?)",
                    ((r.a, r.b, orjson.dumps(r.to_dict())) for r in run.story_relations),
                )
                for table, key in _DERIVED.items():
                    self.db.execute(f"DELETE FROM {table}")
                    self.db.executemany(
                        f"INSERT INTO {table} VALUES (?, ?)",
                        ((row[key], orjson.dumps(row)) for row in run.derived[table]),
                    )
            total = self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            self.db.execute(
                "INSERT INTO runs (finished, articles_new, articles_total) "
                "VALUES (datetime('now'), ?, ?)", (added, total))

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
        """Cache vectors (content-addressed: correct whenever they land; not when read-only)."""
        if self.read_only:
            return
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?)",
                ((k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()),
            )

    # -- boilerplate ----------------------------------------------------------
    def boilerplate(self) -> dict[bytes, int]:
        return dict(self.db.execute("SELECT key, df FROM boilerplate"))



@dataclass
class StoredRun:
    """What one run adds to the store (see :meth:`Store.commit_run`)."""

    #: (id, content hash, record) of each new article, read as the transaction writes them.
    article_rows: Iterable[tuple[str, str, bytes]]
    fingerprints: list[Fingerprint]
    tag: str
    copy_relations: list[Relation]
    boilerplate: dict[bytes, int]
    story_relations: list[Relation] = field(default_factory=list)
    #: Rows for the derived tables (families, stories, lineages, diffs); None keeps them.
    derived: dict[str, list[dict]] | None = None
