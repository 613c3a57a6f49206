"""The persistent store: one SQLite file holding the index across runs.

It holds articles, fingerprints, copy relations, learned boilerplate, the lines
of each outlet (:mod:`wiretrace.clean.outlet_blocks`) and cached embeddings, and
the state derived from them: meaning-level relations, copy families, stories,
lineages and diffs. A later run opens the same file,
compares its new articles with everything stored, and replaces the derived
state.

Everything a run adds is written in **one transaction** at its end
(:meth:`Store.commit_run`), so a run killed at any moment (SIGKILL included)
leaves the store exactly as the last finished run left it, and running again
redoes the work: nothing lost, nothing doubled. The only writes before that
are content-addressed caches (embeddings, fingerprints rebuilt under new
settings), which are correct whenever they land.

Fingerprints carry the tag of the settings that made them
(:meth:`wiretrace.fingerprint.FingerprintSettings.tag`); stored ones made under
another tag are rebuilt from the stored text, never compared as they are.

A cache write that fails (a full disk, a read-only file) is logged and skipped: the run
has what it cached in memory, and only the next run pays for it. Everything else that
goes wrong with the file is a :class:`~wiretrace.errors.StoreError` naming the store and
saying what to do (:func:`store_problem`): a store that is not one, or is damaged, or
read-only, or on a full disk.

At rest, the store is one file: a writer works in WAL mode (readers go on reading the
last commit while it works) and leaves rollback-journal mode when it closes, so that a
reader on a read-only copy, folder or disk creates nothing beside it (a WAL reader must
create a ``-shm`` file, and leaves it, with an empty ``-wal``, behind).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import itertools
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from wiretrace.clean.boilerplate import paragraph_keys
from wiretrace.clean.outlet_blocks import (
    LineRow,
    OutletBlocks,
    OutletLines,
    StoredLine,
    outlet_line_rows,
    outlet_of,
)
from wiretrace.codec import article_from_record, decode, dumps, encode, relation_from_record
from wiretrace.errors import DamagedRecord, StoreError, UsageError
from wiretrace.fingerprint import Fingerprint
from wiretrace.fingerprint.lsh import KEY_BITS
from wiretrace.records import CleanArticle, Relation, timestamp
from wiretrace.storelock import StoreLock

#: 3 indexes the derived state by article and story (``story_of``, ``family_of``,
#: ``lineages.story``), so a run reads and rewrites only the stories its articles touch;
#: 4 keeps the lines of each outlet (``outlet_lines``) to learn its blocks across runs.
#: Older stores are upgraded in place (:meth:`Store._open_for_writing`).
SCHEMA_VERSION = 4

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
-- Every line of the stored articles (wiretrace.clean.outlet_blocks): the one outlet whose
-- articles hold it (NULL: several, or an article of none), its first holders, how many
-- articles hold it, and whether it was learned as a block of that outlet. One row a line
-- of every article: outlets by number and holders by article seq keep it small.
CREATE TABLE IF NOT EXISTS outlets (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS outlet_lines (
    key INTEGER PRIMARY KEY,  -- the line key's 8 bytes as a signed integer
    outlet INTEGER REFERENCES outlets(id),
    holders BLOB NOT NULL,    -- articles.seq of each, int64 little-endian
    articles INTEGER NOT NULL,
    block INTEGER NOT NULL
);
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
CREATE TABLE IF NOT EXISTS lineages (name TEXT PRIMARY KEY, record BLOB NOT NULL, story TEXT);
CREATE TABLE IF NOT EXISTS diffs (id TEXT PRIMARY KEY, record BLOB NOT NULL);
-- Which story (and family) each article is in, and its publication day (days since the
-- epoch, NULL when undated): what a run reads to find the stories near its new articles.
CREATE TABLE IF NOT EXISTS story_of (id TEXT PRIMARY KEY, story TEXT NOT NULL, day REAL);
CREATE INDEX IF NOT EXISTS story_of_day ON story_of (day);
CREATE INDEX IF NOT EXISTS story_of_story ON story_of (story);
CREATE TABLE IF NOT EXISTS family_of (id TEXT PRIMARY KEY, family TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS relations_b ON relations (b);
CREATE INDEX IF NOT EXISTS story_relations_b ON story_relations (b);
-- API keys of `wiretrace serve`: a salted SHA-256 of each key, never the key itself.
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,  -- one live key a name; a revoked name may be given again
    scope TEXT NOT NULL,
    salt BLOB NOT NULL,
    digest BLOB NOT NULL,
    created TEXT NOT NULL,
    revoked TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    finished TEXT NOT NULL,
    articles_new INTEGER NOT NULL,
    articles_total INTEGER NOT NULL
);
"""

log = logging.getLogger(__name__)

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


#: What an SQLite error means for a store, and what to do about it, by result code.
_MEANING = {
    "SQLITE_FULL": "the disk is full (or the file size limit is reached): free some space "
    "and run again",
    "SQLITE_CORRUPT": "the file is damaged: restore it from a backup, or start a new store",
    "SQLITE_NOTADB": "not a wiretrace store (not an SQLite file, or a damaged one)",
    "SQLITE_READONLY": "the store is read-only here: `wiretrace query` reads a read-only "
    "store; a run with --db needs to write it",
    "SQLITE_CANTOPEN": "cannot open the file: may it be read (and, for a run with --db, "
    "written, with its folder)?",
    "SQLITE_IOERR": "could not read or write the file: the disk is full (or a file size "
    "limit is reached), or failing",
    "SQLITE_PERM": "no permission to use the file",
}


def store_problem(exc: sqlite3.Error, path: Path | str | None) -> StoreError:
    """The StoreError telling what ``exc`` (raised on the store ``path``) means."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    meaning = next((m for code, m in _MEANING.items() if name.startswith(code)), None)
    if meaning is None and "disk is full" in str(exc):
        meaning = _MEANING["SQLITE_FULL"]
    return StoreError(f"{path}: {meaning or 'store error'} ({exc})")


def _told(method):
    """``method`` of a Store, its SQLite errors and damaged records raised as StoreErrors
    naming the store (generators too: a damaged page is met while rows are read)."""
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def rows(self, *args, **kwargs):
            try:
                yield from method(self, *args, **kwargs)
            except sqlite3.Error as exc:
                raise store_problem(exc, self.path) from exc
            except DamagedRecord as exc:
                raise StoreError(f"{self.path}: {exc}") from exc

        return rows

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise store_problem(exc, self.path) from exc
        except DamagedRecord as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    return call


def _explained(cls):
    """Every method of ``cls`` :func:`_told` (but close and the context manager's)."""
    for name, member in list(vars(cls).items()):
        if inspect.isfunction(member) and name not in ("close", "__enter__", "__exit__"):
            setattr(cls, name, _told(member))
    return cls


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _refuse_empty(path: Path) -> None:
    """A 0-byte file is no store (a new one is made whole elsewhere and renamed into place,
    see :meth:`Store._create`): a truncated copy, or a file someone touched. Unless its
    write-ahead log holds its pages (a writer at work, or killed, before a checkpoint)."""
    if path.stat().st_size == 0 and not (_wal(path).exists() and _wal(path).stat().st_size):
        raise StoreError(
            f"{path}: an empty file (0 bytes), not a wiretrace store: remove it to start a "
            "new store there, or give another --db"
        )


class StoreMissing(UsageError, FileNotFoundError):
    """A store to read that does not exist."""


@_explained
class Store:
    """Articles, fingerprints, relations and learned boilerplate in one SQLite file."""

    #: How another connection reads the store as this one opened it (``mode=ro``, or
    #: ``immutable`` on a read-only folder): :class:`wiretrace.shelf.ArticleLookup`.
    uri: str

    def __init__(self, path: str | Path, read_only: bool = False, wait: float | None = None):
        """``read_only`` takes no lock and writes nothing; a writer first takes the store's
        writer lock (:mod:`wiretrace.storelock`, waiting ``wait`` seconds at most, None: as
        long as it takes) and holds it until :meth:`close`, so that it reads and commits
        alone."""
        self.path = Path(path)
        self.read_only = read_only
        self.lock: StoreLock | None = None
        #: Whether cache writes are still tried (the first that fails turns them off).
        self.caching = not read_only
        if read_only:
            self._open_read_only()
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.lock = StoreLock(self.path, wait).acquire()  # before reading anything
        except OSError as exc:
            raise StoreError(
                f"{self.path}: cannot take the store's writer lock ({exc.strerror}: "
                f"{exc.filename}): a run with --db writes the store and its lock file beside "
                "it; `wiretrace query` reads a read-only store"
            ) from exc
        try:
            self._open_for_writing()
        except BaseException:
            self.lock.release()
            raise

    def _open_read_only(self) -> None:
        """Open for reading only, on a read-only file, folder or disk too.

        ``mode=ro`` first: it reads a store that a writer is changing (in WAL mode, through
        the ``-shm`` file the writer made). When that cannot open (a store left in WAL mode
        in a folder where no ``-shm`` can be made), no writer can be at work there either,
        and the file is read as ``immutable`` (no locks, no ``-shm``), unless its ``-wal``
        holds commits, which only a writer can fold back in."""
        if not self.path.exists():
            raise StoreMissing(f"{self.path}: no such store")
        _refuse_empty(self.path)
        uri = self.path.resolve().as_uri()
        self.uri = f"{uri}?mode=ro"
        self.db = sqlite3.connect(self.uri, uri=True)
        try:
            version = self.get_meta("schema_version") if self._has_meta() else None
        except StoreError as exc:
            self.db.close()
            code = getattr(exc.__cause__, "sqlite_errorname", "") or ""
            if not code.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")):
                raise
            if _wal(self.path).exists() and _wal(self.path).stat().st_size:
                raise StoreError(
                    f"{self.path}: its write-ahead log ({_wal(self.path).name}) holds commits "
                    "and the folder is read-only: open it once where it may be written (any "
                    "run with --db), or copy both files somewhere writable"
                ) from exc
            self.uri = f"{uri}?immutable=1"
            self.db = sqlite3.connect(self.uri, uri=True)
            version = self.get_meta("schema_version") if self._has_meta() else None
        if version is None or version != str(SCHEMA_VERSION):
            self.db.close()
            raise StoreError(
                f"{self.path}: "
                + (
                    "not a wiretrace store (an SQLite file without its tables)"
                    if version is None
                    else f"store schema {version}, this wiretrace reads {SCHEMA_VERSION} "
                    "(a run with --db upgrades it)"
                )
            )

    def _create(self) -> None:
        """Make a new store whole beside its path, then rename it into place: a store
        killed while it is made leaves no file that looks like one. The writer lock is
        held, so a ``.new`` file there is one such leftover."""
        partial = self.path.with_name(self.path.name + ".new")
        partial.unlink(missing_ok=True)
        db = sqlite3.connect(partial)
        try:
            db.executescript(_SCHEMA)
            with db:
                db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            db.close()
            os.replace(partial, self.path)
        except BaseException:
            db.close()
            partial.unlink(missing_ok=True)
            raise

    def _open_for_writing(self) -> None:
        if not self.path.exists():
            self._create()
        _refuse_empty(self.path)
        self.uri = f"{self.path.resolve().as_uri()}?mode=ro"  # how others read it meanwhile
        self.db = sqlite3.connect(self.path)
        try:
            version = self.get_meta("schema_version") if self._has_meta() else None
            if version is None or not version.isdigit():
                raise StoreError(
                    f"{self.path}: not a wiretrace store (an SQLite file without its tables): "
                    "give another --db"
                )
            if int(version) > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store schema {version}, this wiretrace needs "
                    f"{SCHEMA_VERSION}: use a newer wiretrace"
                )
            self.db.execute("PRAGMA journal_mode=WAL")  # checked first: written only if ours
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: a killed process loses nothing
            with self.db:
                if int(version) < 3:
                    self.db.execute("ALTER TABLE lineages ADD COLUMN story TEXT")
                self.db.executescript(_SCHEMA)
                if int(version) < 3:
                    self._index_derived_state()
                if int(version) < 4:
                    self._index_outlet_lines()
                self.set_meta("schema_version", str(SCHEMA_VERSION))
        except BaseException:
            self.db.close()
            raise

    def _index_derived_state(self) -> None:
        """Fill the article and story indexes of the derived state from its records (a store
        written before they existed)."""
        for table in ("story_of", "family_of"):
            self.db.execute(f"DELETE FROM {table}")
        days = {
            i: article_day(article_from_record(r).published)
            for i, r in self.db.execute("SELECT id, record FROM articles")
        }
        for story in self.derived("stories"):
            self.db.executemany(
                "INSERT OR REPLACE INTO story_of VALUES (?, ?, ?)",
                ((m, story["story"], days.get(m)) for m in story["members"]),
            )
        for family in self.derived("families"):
            self.db.executemany(
                "INSERT OR REPLACE INTO family_of VALUES (?, ?)",
                ((m, family["family"]) for m in family["members"]),
            )
        for name, record in list(self.db.execute("SELECT name, record FROM lineages")):
            self.db.execute(
                "UPDATE lineages SET story = ? WHERE name = ?",
                (decode(record, "lineage").get("story"), name),
            )

    def _index_outlet_lines(self) -> None:
        """Index the lines of the articles stored before ``outlet_lines`` existed, so that new
        articles are judged against them too (nothing is learned here: a block is learned
        when a run brings an article holding it)."""
        lines = OutletLines.of(
            (a.id, outlet_of(a.source, a.url), b"".join(paragraph_keys(a))) for a in self.articles()
        )
        self.put_outlet_lines(outlet_line_rows(lines, {}, OutletBlocks()))

    def _has_meta(self) -> bool:
        return (
            self.db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
            ).fetchone()
            is not None
        )

    def close(self) -> None:
        try:
            if not self.read_only:
                self._at_rest()
            self.db.close()
        finally:
            if self.lock is not None:
                self.lock.release()  # after the commit and the close: the next writer reads it

    def _at_rest(self) -> None:
        """Leave WAL mode, so that the store is one file until the next writer (see the
        module's doc). Not while a reader has it open (its WAL is in use): then it stays
        in WAL mode, which is as safe, and the next writer to close alone tries again."""
        try:
            self.db.execute("PRAGMA busy_timeout = 0")  # a reader is there: do not wait
            self.db.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error:
            pass

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
        self.db.executemany(
            "INSERT INTO articles (id, content_hash, record) VALUES (?, ?, ?)", rows
        )
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
        return [decode(r, table) for (r,) in self.db.execute(f"SELECT record FROM {table}")]

    def commit_run(self, run: StoredRun) -> None:
        """Everything a run adds, in one transaction: it lands whole or not at all.

        The derived state is replaced only where the run touched it: the stories, families,
        lineages and diffs in ``run.derived`` (see :class:`DerivedUpdate`); every other
        stored row stays as it was.
        """
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only, nothing can be committed")
        with self.db:
            added = self._add_articles(run.article_rows)
            self.put_fingerprints(run.fingerprints, run.tag)
            self.db.executemany(
                "INSERT OR REPLACE INTO relations VALUES (?, ?, ?)",
                ((r.a, r.b, encode(r)) for r in run.copy_relations),
            )
            self.db.executemany(
                "INSERT INTO boilerplate VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET df = MAX(df, excluded.df)",
                run.boilerplate.items(),
            )
            self.put_outlet_lines(run.outlet_lines)
            if run.derived is not None:
                self._replace_derived(run.derived, run.story_relations)
            total = self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            self.db.execute(
                "INSERT INTO runs (finished, articles_new, articles_total) "
                "VALUES (datetime('now'), ?, ?)",
                (added, total),
            )

    def _replace_derived(self, update: DerivedUpdate, story_relations: list[Relation]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO story_relations VALUES (?, ?, ?)",
            ((r.a, r.b, encode(r)) for r in story_relations),
        )
        gone = _marks(update.families_replaced)
        self.db.execute(f"DELETE FROM families WHERE name IN ({gone})", update.families_replaced)
        self.db.execute(f"DELETE FROM family_of WHERE family IN ({gone})", update.families_replaced)
        for family in update.families:
            self.db.execute(
                "INSERT OR REPLACE INTO families VALUES (?, ?)",
                (family["family"], dumps(family)),
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO family_of VALUES (?, ?)",
                ((m, family["family"]) for m in family["members"]),
            )
        for part in _parts(update.lineages_replaced):
            self.db.execute(f"DELETE FROM lineages WHERE name IN ({_marks(part)})", part)
        for part in _parts(update.diffs_replaced):
            self.db.execute(f"DELETE FROM diffs WHERE id IN ({_marks(part)})", part)
        for story in update.stories:
            self.db.execute(
                "INSERT OR REPLACE INTO stories VALUES (?, ?)",
                (story["story"], dumps(story)),
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO story_of VALUES (?, ?, ?)",
                ((m, story["story"], update.days.get(m)) for m in story["members"]),
            )
        self.db.executemany(
            "INSERT OR REPLACE INTO lineages VALUES (?, ?, ?)",
            ((g["lineage"], dumps(g), g["story"]) for g in update.lineages),
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO diffs VALUES (?, ?)",
            ((d["id"], dumps(d)) for d in update.diffs),
        )

    # -- what a run reads of the derived state -----------------------------------
    def articles_by_id(self, ids: Iterable[str]) -> dict[str, CleanArticle]:
        found: dict[str, CleanArticle] = {}
        for part in _parts(list(ids)):
            query = f"SELECT id, record FROM articles WHERE id IN ({_marks(part)})"
            found.update((i, article_from_record(r)) for i, r in self.db.execute(query, part))
        return found

    def stories_near(
        self, days: list[float], horizon: float | None, undated: int
    ) -> dict[str, str]:
        """{article id: story} of the stored articles a run's new articles may join: those
        published within ``horizon`` days of one of ``days`` (all dated ones when the
        horizon is None), and the ``undated`` last stored undated ones."""
        near: dict[str, str] = {}
        if days and horizon is None:
            near.update(self.db.execute("SELECT id, story FROM story_of WHERE day IS NOT NULL"))
        elif days:
            for lo, hi in _intervals(sorted(days), horizon or 0.0):
                near.update(
                    self.db.execute(
                        "SELECT id, story FROM story_of WHERE day BETWEEN ? AND ?", (lo, hi)
                    )
                )
        if undated:
            near.update(
                self.db.execute(
                    "SELECT s.id, s.story FROM story_of s JOIN articles a ON a.id = s.id "
                    "WHERE s.day IS NULL ORDER BY a.seq DESC LIMIT ?",
                    (undated,),
                )
            )
        return near

    def in_store_order(self, ids: Iterable[str]) -> list[str]:
        """The stored ones of ``ids``, in the order they were stored."""
        found: list[tuple[int, str]] = []
        for part in _parts(list(ids)):
            found += self.db.execute(
                f"SELECT seq, id FROM articles WHERE id IN ({_marks(part)})", part
            ).fetchall()
        return [i for _, i in sorted(found)]

    def story_of(self, ids: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for part in _parts(list(ids)):
            found.update(
                self.db.execute(
                    f"SELECT id, story FROM story_of WHERE id IN ({_marks(part)})", part
                )
            )
        return found

    def stories_named(self, names: Iterable[str]) -> dict[str, dict]:
        """Stored story rows by name."""
        return self._rows("stories", "name", names)

    def families_of(self, ids: Iterable[str]) -> dict[str, dict]:
        """Stored family rows holding any of ``ids``, by name."""
        names: set[str] = set()
        for part in _parts(list(ids)):
            names.update(
                f
                for (f,) in self.db.execute(
                    f"SELECT family FROM family_of WHERE id IN ({_marks(part)})", part
                )
            )
        return self._rows("families", "name", names)

    def _rows(self, table: str, key: str, names: Iterable[str]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for part in _parts(list(names)):
            for name, record in self.db.execute(
                f"SELECT {key}, record FROM {table} WHERE {key} IN ({_marks(part)})", part
            ):
                found[name] = decode(record, table)
        return found

    def copy_component(self, ids: Iterable[str]) -> set[str]:
        """The stored articles linked to ``ids`` by copy relations, directly or through
        others: the articles whose families a relation among ``ids`` may change."""
        seen, frontier = set(ids), list(ids)
        while frontier:
            found: set[str] = set()
            for part in _parts(frontier):
                marks = _marks(part)
                found.update(
                    b
                    for (b,) in self.db.execute(
                        f"SELECT b FROM relations WHERE a IN ({marks})", part
                    )
                )
                found.update(
                    a
                    for (a,) in self.db.execute(
                        f"SELECT a FROM relations WHERE b IN ({marks})", part
                    )
                )
            frontier = list(found - seen)
            seen |= found
        return seen

    def relations_among(self, ids: Iterable[str], table: str = "relations") -> list[Relation]:
        """Stored relations (``relations``: copies; ``story_relations``: meaning-level) with
        both ends in ``ids``."""
        if table not in ("relations", "story_relations"):
            raise ValueError(f"no relation table {table}")
        wanted = set(ids)
        out = []
        for part in _parts(sorted(wanted)):
            query = f"SELECT b, record FROM {table} WHERE a IN ({_marks(part)}) ORDER BY a, b"
            out += [relation_from_record(r) for b, r in self.db.execute(query, part) if b in wanted]
        return out

    def relations_touching(self, ids: Iterable[str], table: str = "relations") -> list[Relation]:
        """Stored relations (as :meth:`relations_among`) with at least one end in ``ids``."""
        if table not in ("relations", "story_relations"):
            raise ValueError(f"no relation table {table}")
        found: dict[tuple[str, str], bytes] = {}
        for part in _parts(sorted(set(ids))):
            for end in ("a", "b"):
                query = f"SELECT a, b, record FROM {table} WHERE {end} IN ({_marks(part)})"
                found.update(((a, b), r) for a, b, r in self.db.execute(query, part))
        return [relation_from_record(found[k]) for k in sorted(found)]

    def lineages_of_stories(self, stories: Iterable[str]) -> list[dict]:
        """Stored lineage rows of the given stories."""
        return [
            decode(r, "lineage")
            for part in _parts(list(stories))
            for (r,) in self.db.execute(
                f"SELECT record FROM lineages WHERE story IN ({_marks(part)})", part
            )
        ]

    # -- what the service reads ---------------------------------------------------
    def relations_of(self, article: str) -> list[Relation]:
        """Stored relations with ``article`` at either end: copies, then meaning-level."""
        return [
            relation_from_record(record)
            for table in ("relations", "story_relations")
            for (record,) in self.db.execute(
                f"SELECT record FROM {table} WHERE a = ? "
                f"UNION ALL SELECT record FROM {table} WHERE b = ?",
                (article, article),
            )
        ]

    def diffs_of(self, ids: Iterable[str]) -> dict[str, dict]:
        """Stored diff rows of ``ids`` (articles that are versions in a lineage)."""
        return self._rows("diffs", "id", ids)

    def story_page(
        self,
        limit: int,
        offset: int = 0,
        text: str | None = None,
        source: str | None = None,
        since: float | None = None,
        until: float | None = None,
    ) -> tuple[int, list[tuple[str, float | None, float | None, int]]]:
        """(stories matching, [(story, first day, last day, size), ...]): newest first (by
        the latest member's day; undated stories last), ``limit`` from ``offset``.

        A story matches when one of its members holds ``text`` (title or text, any case)
        and comes from ``source`` (any case), and its days overlap [since, until]."""
        members: list[str] = []
        args: list[str | float] = []
        if text:
            members.append("instr(lower(CAST(a.record AS TEXT)), lower(?)) > 0")
            args.append(text)
        if source:
            members.append("lower(json_extract(CAST(a.record AS TEXT), '$.source')) = lower(?)")
            args.append(source)
        where = ""
        if members:
            where = (
                "WHERE s.story IN (SELECT m.story FROM story_of m JOIN articles a "
                f"ON a.id = m.id WHERE {' AND '.join(members)})"
            )
        having = []
        if since is not None:
            having.append("MAX(s.day) >= ?")
            args.append(since)
        if until is not None:
            having.append("MIN(s.day) <= ?")
            args.append(until)
        chosen = (
            "SELECT s.story, MIN(s.day) AS first, MAX(s.day) AS last, COUNT(*) AS size "
            f"FROM story_of s {where} GROUP BY s.story "
            + (f"HAVING {' AND '.join(having)}" if having else "")
        )
        total = self.db.execute(f"SELECT COUNT(*) FROM ({chosen})", args).fetchone()[0]
        rows = self.db.execute(
            f"SELECT * FROM ({chosen}) ORDER BY last IS NULL, last DESC, story LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
        return total, rows

    # -- API keys -----------------------------------------------------------------
    def api_keys(self) -> list[dict]:
        """Every key's row but its digest and salt, oldest first."""
        rows = self.db.execute(
            "SELECT name, key_id, scope, created, revoked FROM api_keys ORDER BY created, name"
        )
        names = ("name", "key_id", "scope", "created", "revoked")
        return [dict(zip(names, r, strict=True)) for r in rows]

    def api_key(self, key_id: str) -> tuple[str, str, bytes, bytes] | None:
        """(name, scope, salt, digest) of the live key ``key_id``, None if unknown or revoked."""
        return self.db.execute(
            "SELECT name, scope, salt, digest FROM api_keys WHERE key_id = ? AND revoked IS NULL",
            (key_id,),
        ).fetchone()

    def add_api_key(self, name: str, key_id: str, scope: str, salt: bytes, digest: bytes) -> bool:
        """Add a live key; False (and nothing added) when ``name`` already has one."""
        with self.db:
            live = self.db.execute(
                "SELECT 1 FROM api_keys WHERE name = ? AND revoked IS NULL", (name,)
            ).fetchone()
            if live:
                return False
            self.db.execute(
                "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, datetime('now'), NULL)",
                (key_id, name, scope, salt, digest),
            )
        return True

    def revoke_api_key(self, name: str) -> bool:
        """Revoke the live key ``name``; False when there is none."""
        with self.db:
            done = self.db.execute(
                "UPDATE api_keys SET revoked = datetime('now') WHERE name = ? AND revoked IS NULL",
                (name,),
            )
        return done.rowcount > 0

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
        self._cache(
            "embeddings",
            "INSERT OR REPLACE INTO embeddings VALUES (?, ?)",
            ((k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()),
        )

    def cache_fingerprints(self, fingerprints: Iterable[Fingerprint], tag: str) -> None:
        """Keep fingerprints rebuilt under new settings (right whenever they land; not when
        read-only)."""
        self._cache(
            "fingerprints",
            "INSERT OR REPLACE INTO fingerprints VALUES (?, ?, ?, ?, ?)",
            (
                (f.id, tag, f.words, pack_keys(f.doc_keys), pack_keys(f.passage_keys))
                for f in fingerprints
            ),
        )

    def _cache(self, what: str, statement: str, rows: Iterable[tuple]) -> None:
        """An optional write, in a transaction of its own: when it fails, the run goes on
        (it has the rows in memory) and tries no more cache writes; the failure is logged
        once. A full disk fails the commit later, with its own message."""
        if not self.caching:
            return
        try:
            with self.db:
                self.db.executemany(statement, rows)
        except sqlite3.Error as exc:
            self.caching = False
            log.warning("%s: %s not cached, the run goes on (%s)", self.path, what, exc)

    # -- boilerplate ----------------------------------------------------------
    def boilerplate(self) -> dict[bytes, int]:
        return dict(self.db.execute("SELECT key, df FROM boilerplate"))

    def outlet_lines(self, keys: list[int]) -> dict[int, StoredLine]:
        """What the store holds of these lines (keys as
        :func:`~wiretrace.clean.outlet_blocks.stored_key` makes them)."""
        rows: list[tuple[Any, ...]] = []
        for part in _parts(keys):
            query = f"SELECT * FROM outlet_lines WHERE key IN ({_marks(part)})"
            rows.extend(self.db.execute(query, part))
        names = dict(self.db.execute("SELECT id, name FROM outlets"))
        seqs = [s for *_, holders, _, _ in rows for s in np.frombuffer(holders, "<i8").tolist()]
        ids = self._ids_of_seqs(seqs)
        return {
            key: StoredLine(
                names.get(outlet),
                [ids[s] for s in np.frombuffer(holders, "<i8").tolist()],
                articles,
                bool(block),
            )
            for key, outlet, holders, articles, block in rows
        }

    def put_outlet_lines(self, rows: Iterable[LineRow]) -> None:
        """Write rows of ``outlet_lines``, each already merged with the stored one (the
        holders' articles stored already, in this transaction or before)."""
        outlets = {name: i for i, name in self.db.execute("SELECT id, name FROM outlets")}
        rows = iter(rows)
        while part := list(itertools.islice(rows, _PART)):
            seq_of = self._seqs_of_ids({h for row in part for h in row[2]})
            for outlet in {row[1] for row in part} - outlets.keys() - {None}:
                cursor = self.db.execute("INSERT INTO outlets (name) VALUES (?)", (outlet,))
                outlets[outlet] = cursor.lastrowid
            self.db.executemany(
                "INSERT OR REPLACE INTO outlet_lines VALUES (?, ?, ?, ?, ?)",
                (
                    (
                        key,
                        outlets.get(outlet),
                        np.array([seq_of[h] for h in holders], dtype="<i8").tobytes(),
                        articles,
                        int(block),
                    )
                    for key, outlet, holders, articles, block in part
                ),
            )

    def _ids_of_seqs(self, seqs: list[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for part in _parts(sorted(set(seqs))):
            query = f"SELECT seq, id FROM articles WHERE seq IN ({_marks(part)})"
            found.update(self.db.execute(query, part))
        return found

    def _seqs_of_ids(self, ids: set[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for part in _parts(sorted(ids)):
            query = f"SELECT id, seq FROM articles WHERE id IN ({_marks(part)})"
            found.update(self.db.execute(query, part))
        return found


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
    #: The derived state the run touched; None keeps all of it (no story stage).
    derived: DerivedUpdate | None = None
    #: Rows of ``outlet_lines`` for the new articles' lines (see
    #: :func:`wiretrace.clean.outlet_blocks.outlet_line_rows`).
    outlet_lines: Iterable[LineRow] = ()


@dataclass
class DerivedUpdate:
    """The stories, families, lineages and diffs a run touched, as output rows (each story
    whole), and the stored rows they replace."""

    stories: list[dict] = field(default_factory=list)
    families: list[dict] = field(default_factory=list)
    families_replaced: list[str] = field(default_factory=list)
    lineages: list[dict] = field(default_factory=list)
    lineages_replaced: list[str] = field(default_factory=list)
    diffs: list[dict] = field(default_factory=list)
    #: Articles whose stored diffs are replaced (or dropped: no longer in a lineage).
    diffs_replaced: list[str] = field(default_factory=list)
    #: Publication day of each member of the stories (None when undated).
    days: dict[str, float | None] = field(default_factory=dict)


#: SQLite binds at most 32766 variables; stay far below.
_PART = 900


def _parts(items: list) -> Iterator[list]:
    for start in range(0, len(items), _PART):
        yield items[start : start + _PART]


def _marks(items: list) -> str:
    return ",".join("?" * len(items)) or "NULL"


def _intervals(days: list[float], horizon: float) -> list[tuple[float, float]]:
    """The union of [day - horizon, day + horizon] over sorted ``days``, as intervals."""
    out: list[tuple[float, float]] = []
    for day in days:
        if out and day - horizon <= out[-1][1]:
            out[-1] = (out[-1][0], day + horizon)
        else:
            out.append((day - horizon, day + horizon))
    return out


def article_day(published: str | None) -> float | None:
    """Publication time in days since the epoch (None when undated or unreadable)."""
    t = timestamp(published)
    return None if t is None else t / 86400.0
