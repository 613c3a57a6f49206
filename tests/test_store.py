"""The store explains itself: not a store, damaged, read-only, or on a full disk, each told in
one line by a real ``python -m wiretrace.cli`` subprocess; and it is read without a write.

Tests may run as root, for whom file permissions do not stop writes: a read-only store is
then checked by what reading it left behind (the file's bytes and mtime, no ``-wal`` or
``-shm``), and, where the kernel lets this process drop root's power to ignore permissions
(``setpriv``), read again without it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import orjson
import pytest
from tests.conftest import DEMO, error_line, file_size_limit, synthetic_corpus, wiretrace

from wiretrace.errors import StoreError
from wiretrace.store import Store, StoredRun

FAST = {"story": {"encoder": "none"}, "run": {"workers": 1}}

#: Run as root without the capabilities that let root ignore file permissions.
POWERLESS = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> tuple[Path, Path]:
    """A store of the demo articles made by a real run, and the settings it was made with."""
    root = tmp_path_factory.mktemp("stored")
    config = root / "fast.json"
    config.write_bytes(orjson.dumps(FAST))
    db = root / "index.db"
    proc = wiretrace("run", DEMO, "--out", root / "out", "--db", db, "--config", config, "-q")
    assert proc.returncode == 0, proc.stderr
    return db, config


def _copy(db: Path, folder: Path, name: str = "index.db") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(db, folder / name))


def _articles(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    finally:
        con.close()


def _permissions_apply(probe: Path) -> list[str]:
    """A prefix under which file permissions stop writes (nothing unless root); skips when
    root cannot drop the capabilities that ignore them. ``probe`` is a read-only folder."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv"):
        tried = subprocess.run([*POWERLESS, "touch", str(probe / "probe")], capture_output=True)
        if tried.returncode != 0 and not (probe / "probe").exists():
            return POWERLESS
    pytest.skip("root here cannot drop CAP_DAC_OVERRIDE: permissions do not stop its writes")


class ReadOnly:
    """A folder made read-only (0555) holding read-only files (0444), made writable again
    on exit so that the test's folder can be removed."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self) -> Path:
        for f in self.folder.iterdir():
            f.chmod(0o444)
        self.folder.chmod(0o555)
        return self.folder

    def __exit__(self, *exc) -> None:
        self.folder.chmod(0o755)
        for f in self.folder.iterdir():
            f.chmod(0o644)


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        f.name: (f.read_bytes(), f.stat().st_mtime_ns, stat.S_IMODE(f.stat().st_mode))
        for f in sorted(folder.iterdir())
    }


def test_a_store_at_rest_is_one_file(stored):
    db, _ = stored
    assert sorted(f.name for f in db.parent.iterdir() if f.name.startswith("index.db")) == [
        "index.db",
        "index.db.lock",  # the writers' lock (storelock.py): empty, never read by a reader
    ]
    assert db.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL, at rest


def test_query_reads_a_read_only_store_and_writes_nothing(stored, tmp_path):
    db, config = stored
    store = _copy(db, tmp_path / "ro")
    with ReadOnly(tmp_path / "ro") as folder:
        before = _snapshot(folder)
        prefixes = [[]] + ([POWERLESS] if os.geteuid() == 0 and shutil.which("setpriv") else [])
        for prefix in prefixes:
            proc = wiretrace("query", DEMO, "--db", store, "--config", config, prefix=prefix)
            assert proc.returncode == 0, proc.stderr
            answers = [orjson.loads(line) for line in proc.stdout.splitlines()]
            assert len(answers) == 5 and all(a["seen"] for a in answers)
            assert _snapshot(folder) == before  # same bytes, same mtime, nothing beside it


def test_a_store_left_in_wal_mode_is_read_on_a_read_only_folder(stored, tmp_path):
    """A store a writer could not take out of WAL mode (a reader had it open, or an older
    wiretrace wrote it) cannot be read through a ``-shm`` file in a read-only folder: it is
    read as immutable, since no writer can work there either."""
    db, config = stored
    store = _copy(db, tmp_path / "ro")
    con = sqlite3.connect(store)
    assert con.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    con.close()
    with ReadOnly(tmp_path / "ro") as folder:
        prefix = _permissions_apply(folder)
        before = _snapshot(folder)
        proc = wiretrace("query", DEMO, "--db", store, "--config", config, prefix=prefix)
        assert proc.returncode == 0, proc.stderr
        assert len(proc.stdout.splitlines()) == 5
        assert _snapshot(folder) == before


def test_a_run_on_a_read_only_store_says_so(stored, tmp_path):
    db, config = stored
    store = _copy(db, tmp_path / "ro")
    (tmp_path / "ro" / "index.db.lock").touch()
    with ReadOnly(tmp_path / "ro") as folder:
        prefix = _permissions_apply(folder)
        proc = wiretrace(
            "run", DEMO, "--out", tmp_path / "out", "--db", store, "--config", config, prefix=prefix
        )
        line = error_line(proc, 1)
    assert line.startswith(f"{store}: cannot take the store's writer lock (Permission denied")
    assert "`wiretrace query` reads a read-only store" in line


def test_an_empty_file_is_not_a_store(stored, tmp_path):
    _, config = stored
    db = tmp_path / "index.db"
    db.touch()
    proc = wiretrace("run", DEMO, "--out", tmp_path / "out", "--db", db, "--config", config)
    said = (
        f"{db}: an empty file (0 bytes), not a wiretrace store: remove it to start a new "
        "store there, or give another --db"
    )
    assert error_line(proc, 1) == said
    with pytest.raises(StoreError) as told:  # and so for a reader (query, serve)
        Store(db, read_only=True)
    assert str(told.value) == said
    assert db.stat().st_size == 0  # not silently made a new store


def test_a_file_that_is_not_a_store(stored, tmp_path):
    _, config = stored
    junk = tmp_path / "junk.db"
    junk.write_bytes(bytes(range(256)) * 40)
    line = error_line(wiretrace("query", DEMO, "--db", junk, "--config", config), 1)
    assert line.startswith(f"{junk}: not a wiretrace store (not an SQLite file, or a damaged one")
    with pytest.raises(StoreError, match="not an SQLite file, or a damaged one"):
        Store(junk)  # and so for a writer
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE mine (x)")
    con.commit()
    con.close()
    before = other.read_bytes()
    proc = wiretrace("run", DEMO, "--out", tmp_path / "out", "--db", other, "--config", config)
    line = error_line(proc, 1)
    assert line.startswith(f"{other}: not a wiretrace store (an SQLite file without its tables")
    with pytest.raises(StoreError, match="an SQLite file without its tables"):
        Store(other, read_only=True)
    assert other.read_bytes() == before  # someone else's database: no table added, no WAL


@pytest.mark.parametrize("table", ["articles", "families"])
def test_a_damaged_row_is_named_with_its_store(stored, tmp_path, table):
    db, config = stored
    store = _copy(db, tmp_path)
    con = sqlite3.connect(store)
    con.execute(f"UPDATE {table} SET record = CAST('{{not json' AS BLOB)")
    con.commit()
    con.close()
    line = error_line(wiretrace("query", DEMO, "--db", store, "--config", config), 1)
    assert line.startswith(f"{store}: ")
    assert "is damaged (not JSON" in line


def test_a_full_disk_fails_the_commit_and_keeps_the_store(stored, tmp_path):
    db, config = stored
    store = _copy(db, tmp_path / "disk")
    more = synthetic_corpus(tmp_path / "more", 120, seed=5)  # about 700 KB more to store
    proc = wiretrace(
        "run",
        more,
        "--out",
        tmp_path / "out",
        "--db",
        store,
        "--config",
        config,
        env={"TMPDIR": str(tmp_path)},
        preexec_fn=file_size_limit(400),  # the store is 160 KB, the run's scratch file less
    )
    line = error_line(proc, 1)
    assert line.startswith(f"{store}: ")
    assert "the disk is full (or a file size limit is reached)" in line
    assert _articles(store) == 5  # as the last finished run left it
    assert not list(tmp_path.glob("wiretrace-shelf-*"))


def test_a_failed_cache_write_does_not_stop_the_run(stored, tmp_path):
    """Embeddings are a cache: a store that refuses them (here a trigger, as a full disk or a
    locked file would) costs the next run time, not this run its work."""
    db, _ = stored
    store = _copy(db, tmp_path)
    con = sqlite3.connect(store)
    con.execute(
        "CREATE TRIGGER no_room BEFORE INSERT ON embeddings "
        "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
    )
    con.commit()
    con.close()
    config = tmp_path / "use.json"
    config.write_bytes(orjson.dumps({"story": {"encoder": "use"}, "run": {"workers": 1}}))
    more = synthetic_corpus(tmp_path / "more", 6, seed=9)
    proc = wiretrace("run", more, "--out", tmp_path / "out", "--db", store, "--config", config)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if " warning: " in line]
    assert len(warnings) == 1, proc.stderr
    assert warnings[0].endswith(
        f"wiretrace: warning: {store}: embeddings not cached, the run goes on "
        "(database or disk is full)"
    )
    assert _articles(store) == 11  # the run's articles are committed
    assert (tmp_path / "out" / "stories.jsonl").read_text()


def test_a_new_store_is_made_whole_or_not_at_all(tmp_path):
    db = tmp_path / "index.db"
    (tmp_path / "index.db.new").write_bytes(b"left by a creation killed half way")
    Store(db).close()
    assert not (tmp_path / "index.db.new").exists()
    with Store(db, read_only=True) as store:
        assert store.article_count() == 0
        with pytest.raises(StoreError, match="opened read-only"):
            store.commit_run(StoredRun([], [], "t", [], {}))
