"""A run's cleaned articles on disk, read back by id when a stage needs them.

A cleaned article is about 5 KB of text and twice that as Python objects; a
million of them do not fit in the memory of the machines wiretrace runs on. So
the run writes each article to a scratch SQLite file (the *shelf*) as soon as it
is cleaned and keeps in memory only what every stage needs for all articles at
once: ids, paragraph keys, fingerprints. Fingerprinting and verification read
the articles they need from the shelf (worker processes open their own
connection: an SQLite connection does not survive a fork), and the store's
final transaction copies the shelf's rows as they are.

Stored articles (from earlier runs) are read from the store the same way:
:class:`ArticleLookup` answers ``lookup[id]`` from the shelf, then the store.

The shelf lives in $TMPDIR. When it cannot be written there (a full or read-only folder),
the run stops with a :class:`~wiretrace.errors.ScratchSpaceError` saying where, and the
file goes with it: a half-written shelf is as big as the articles read so far.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from wiretrace.codec import article_from_record, encode
from wiretrace.errors import DamagedRecord, ScratchSpaceError, StoreError
from wiretrace.records import CleanArticle
from wiretrace.store import content_hash, store_problem

if TYPE_CHECKING:
    from wiretrace.store import Store

#: Rows read or written per statement.
_BATCH = 500

Row = tuple[str, str, bytes]  # (id, content hash, record): as the store's articles table


def article_row(article: CleanArticle) -> Row:
    """The row an article is shelved (and stored) as."""
    return article.id, content_hash(article), encode(article)


class _PerProcess:
    """An SQLite connection per process, opened on first use in each one."""

    def __init__(self, uri: str):
        self.uri = uri
        self._pid = -1
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._pid != os.getpid() or self._db is None:
            self._db = sqlite3.connect(self.uri, uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._db

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    def records(self, ids: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(ids), _BATCH):
            part = ids[start : start + _BATCH]
            marks = ",".join("?" * len(part))
            found.update(
                self.db.execute(f"SELECT id, record FROM articles WHERE id IN ({marks})", part)
            )
        return found


class ArticleShelf:
    """This run's cleaned articles in a scratch SQLite file, in the order they came.

    The file is deleted by :meth:`close`, or when the shelf is garbage-collected:
    a :class:`~wiretrace.pipeline.RunResult` keeps its shelf for as long as it lives.
    """

    def __init__(self, directory: str | Path | None = None):
        self.folder = Path(directory or tempfile.gettempdir())
        _sweep(self.folder)
        try:
            fd, name = tempfile.mkstemp(
                prefix=f"{_PREFIX}{os.getpid()}-", suffix=".db", dir=self.folder
            )
        except OSError as exc:
            raise self._problem(exc) from exc
        os.close(fd)
        self.path = Path(name)
        self._conn = _PerProcess(self.path.resolve().as_uri())
        self._finalizer = weakref.finalize(self, _remove, self.path, os.getpid())
        with self._writing():
            db = self._conn.db
            db.execute("PRAGMA journal_mode=OFF")  # scratch: a crash discards it anyway
            db.execute("PRAGMA synchronous=OFF")
            db.execute(
                "CREATE TABLE articles (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
                " content_hash TEXT NOT NULL, record BLOB NOT NULL)"
            )

    def _problem(self, exc: Exception) -> ScratchSpaceError:
        return ScratchSpaceError(
            f"{self.folder}: cannot write the run's scratch file there ({exc}): free some "
            "space, or point TMPDIR to a folder with room for the articles read"
        )

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A write to the shelf; when it fails, the shelf is deleted and the run told why."""
        try:
            yield
        except (sqlite3.Error, OSError) as exc:
            self.close()
            raise self._problem(exc) from exc

    # -- writing (the main process only) ------------------------------------------
    def put(self, rows: Iterable[Row]) -> None:
        with self._writing(), self._conn.db as db:
            db.executemany("INSERT INTO articles (id, content_hash, record) VALUES (?, ?, ?)", rows)

    def replace(self, articles: Iterable[CleanArticle]) -> None:
        """Rewrite articles in place (same id, same position)."""
        with self._writing(), self._conn.db as db:
            db.executemany(
                "UPDATE articles SET content_hash = ?, record = ? WHERE id = ?",
                ((h, r, i) for i, h, r in map(article_row, articles)),
            )

    def delete(self, ids: Iterable[str]) -> None:
        with self._writing(), self._conn.db as db:
            db.executemany("DELETE FROM articles WHERE id = ?", ((i,) for i in ids))

    # -- reading (any process) ------------------------------------------------------
    def __len__(self) -> int:
        return self._conn.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def __iter__(self) -> Iterator[CleanArticle]:
        for _, _, record in self.rows():
            yield article_from_record(record)

    def rows(self) -> Iterator[Row]:
        """Every row in order, read in batches (the main process may write in between)."""
        last = -1
        while True:
            batch = self._conn.db.execute(
                "SELECT seq, id, content_hash, record FROM articles WHERE seq > ? ORDER BY seq"
                " LIMIT ?",
                (last, _BATCH),
            ).fetchall()
            if not batch:
                return
            last = batch[-1][0]
            for _, id_, h, record in batch:
                yield id_, h, record

    def get(self, article_id: str) -> CleanArticle:
        row = self._conn.db.execute(
            "SELECT record FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise KeyError(article_id)
        return article_from_record(row[0])

    def records(self, ids: list[str]) -> dict[str, bytes]:
        return self._conn.records(ids)

    def seq_ranges(self, size: int) -> list[tuple[int, int]]:
        """[lo, hi) ranges of positions holding about ``size`` articles each."""
        seqs = [s for (s,) in self._conn.db.execute("SELECT seq FROM articles ORDER BY seq")]
        return [
            (seqs[i], seqs[min(i + size, len(seqs)) - 1] + 1) for i in range(0, len(seqs), size)
        ]

    def close(self) -> None:
        self._conn.close()
        self._finalizer()


_READERS: dict[Path, _PerProcess] = {}


def shelved_between(path: Path, lo: int, hi: int) -> list[CleanArticle]:
    """Articles at positions [lo, hi) of the shelf file ``path``, from any process (a worker
    keeps one connection per shelf)."""
    if path not in _READERS:
        _READERS[path] = _PerProcess(f"{Path(path).resolve().as_uri()}?mode=ro")
    rows = _READERS[path].db.execute(
        "SELECT record FROM articles WHERE seq >= ? AND seq < ? ORDER BY seq", (lo, hi)
    )
    return [article_from_record(r) for (r,) in rows]


_PREFIX = "wiretrace-shelf-"


def _sweep(folder: Path) -> None:
    """Delete shelves left by runs that were killed (their process is gone): a SIGKILL
    runs no clean-up, and a shelf is as big as the corpus."""
    for path in folder.glob(f"{_PREFIX}*-*.db"):
        pid = path.name[len(_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove(path: Path, owner: int) -> None:
    if os.getpid() == owner:  # never from a forked worker
        reader = _READERS.pop(path, None)
        if reader is not None:  # an open connection would keep the deleted file's space
            reader.close()
        path.unlink(missing_ok=True)


class ArticleLookup(Mapping[str, CleanArticle]):
    """Articles by id: this run's from the shelf, earlier runs' from the store (read-only,
    through a connection of its own in each process, opened as ``store`` was).

    ``ids`` fixes the order of iteration: stored articles first, then the new ones.
    """

    def __init__(self, ids: list[str], shelf: ArticleShelf, store: Store | None):
        self.ids = ids
        self.shelf = shelf
        self.store_path = store.path if store is not None else None
        self._store = _PerProcess(store.uri) if store is not None else None

    def __getitem__(self, article_id: str) -> CleanArticle:
        found = self.many([article_id])
        if article_id not in found:
            raise KeyError(article_id)
        return found[article_id]

    def many(self, ids: list[str]) -> dict[str, CleanArticle]:
        """The articles of ``ids`` that exist, read in a few statements."""
        records = self.shelf.records(ids)
        rest = [i for i in ids if i not in records]
        try:
            if rest and self._store is not None:
                records.update(self._store.records(rest))
            return {i: article_from_record(r) for i, r in records.items()}
        except sqlite3.Error as exc:
            raise store_problem(exc, self.store_path) from exc
        except DamagedRecord as exc:
            raise StoreError(f"{self.store_path}: {exc}") from exc

    def let_go_of_store(self) -> None:
        """Close this process's connection to the store (the next read opens it again): a
        writer closing the store leaves WAL mode only when no other connection has it open."""
        if self._store is not None:
            self._store.close()

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def articles(self, ids: list[str] | None = None) -> Iterator[CleanArticle]:
        """Every article (or those of ``ids``) in order, read in batches."""
        ids = self.ids if ids is None else ids
        for start in range(0, len(ids), _BATCH):
            part = ids[start : start + _BATCH]
            found = self.many(part)
            yield from (found[i] for i in part)
