"""The store explains itself: not a store, damaged, read-only, or on a full disk, each told in
one line by a real ``python -m wiretrace.cli`` subprocess; and it is read without a write.

Tests may run as root, for whom file permissions do not stop writes: a read-only store is
then checked by what reading it left behind (the file's bytes and mtime, no ``-wal`` or
``-shm``), and, where the kernel lets this process drop root's power to ignore permissions
(``setpriv``), read again without it.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import time
from pathlib import Path

import numpy as np
import orjson
import pytest

from tests.helpers import (
    DEMO,
    error_line,
    file_size_limit,
    store_run_command,
    synthetic_corpus,
    wiretrace,
)
from wiretrace.errors import StoreError
from wiretrace.query import query
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


def test_band_keys_pack_into_four_and_a_half_bytes():
    from wiretrace.fingerprint.lsh import KEY_BITS
    from wiretrace.store import pack_keys, unpack_keys

    rng = np.random.default_rng(1)
    for n in (0, 1, 2, 3, 205):
        keys = rng.integers(0, 2**KEY_BITS, size=n, dtype=np.uint64)
        packed = pack_keys(keys)
        assert len(packed) == 4 * n + (n + 1) // 2
        assert np.array_equal(unpack_keys(packed), keys)


# -- durability -------------------------------------------------------------------------------
# The store survives SIGKILL at any moment: nothing lost, nothing doubled (issue 5). Real
# subprocesses run ``wiretrace run --db``; they are killed with SIGKILL at random points, and
# the store must then hold exactly the state of the last finished run (one transaction per
# run), and a rerun must reach exactly the state of runs that were never killed.
CONFIG = {"story": {"encoder": "none", "min_match": 0.2}, "run": {"workers": 1}}


def _state(db: Path) -> dict:
    """Everything in the store that a run may change, in a comparable form."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = [r[0] for r in con.execute("SELECT id FROM articles ORDER BY id")]
        assert len(ids) == len(set(ids))
        fps = {r[0] for r in con.execute("SELECT id FROM fingerprints")}
        return {
            "articles": ids,
            "hashes": sorted(con.execute("SELECT id, content_hash FROM articles")),
            "fingerprinted": sorted(fps),
            "relations": sorted(
                (a, b, orjson.loads(r)["relation"])
                for a, b, r in con.execute("SELECT * FROM relations")
            ),
            "story_relations": sorted(
                (a, b, orjson.loads(r)["relation"])
                for a, b, r in con.execute("SELECT * FROM story_relations")
            ),
            "families": sorted(
                tuple(sorted(orjson.loads(r)["members"]))
                for (r,) in con.execute("SELECT record FROM families")
            ),
            "stories": sorted(
                tuple(sorted(orjson.loads(r)["members"]))
                for (r,) in con.execute("SELECT record FROM stories")
            ),
            "boilerplate": sorted(con.execute("SELECT key, df FROM boilerplate")),
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("durability")
    config = root / "config.json"
    config.write_bytes(orjson.dumps(CONFIG))
    batches = [
        synthetic_corpus(root / "batch_a", 120, 1),
        synthetic_corpus(root / "batch_b", 120, 2),
    ]
    ref = root / "ref.db"
    seconds = []
    states = []
    for k, batch in enumerate(batches):
        start = time.perf_counter()
        subprocess.run(store_run_command(batch, ref, root / f"ref_out{k}", config), check=True)
        seconds.append(time.perf_counter() - start)
        states.append(_state(ref))
    return root, config, batches, states, seconds


def _kill_at(cmd: list[str], after: float) -> bool:
    """Start ``cmd``, SIGKILL it after ``after`` seconds; True if it was still running."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return alive


def test_reference_runs_relate_the_batches(setup):
    _, _, _, states, _ = setup
    first, both = states
    # (an article or two may lose its text to learned boilerplate: skipped as too short)
    assert len(first["articles"]) >= 110 and len(both["articles"]) >= len(first["articles"]) + 110
    assert first["relations"] and len(both["relations"]) > len(first["relations"])
    assert both["families"] and both["story_relations"]
    # the second run related new articles to stored ones
    assert any(
        a.startswith("s1-") and b.startswith("s2-") or a.startswith("s2-") and b.startswith("s1-")
        for a, b, _ in both["relations"]
    )


def test_sigkill_at_random_points_loses_and_doubles_nothing(setup):
    root, config, (batch_a, batch_b), (after_a, after_b), seconds = setup
    rng = random.Random(20261125)
    db = root / "killed.db"
    kills = 0
    # Killed during the first run (empty store), then during the second, several times each.
    for k, (batch, before, after, duration) in enumerate(
        [(batch_a, None, after_a, seconds[0]), (batch_b, after_a, after_b, seconds[1])]
    ):
        for attempt in range(3):
            moment = rng.uniform(0.05, duration * 0.95)
            killed = _kill_at(
                store_run_command(batch, db, root / f"out{k}{attempt}", config), moment
            )
            kills += killed
            if db.exists():
                state = _state(db)
                # one transaction per run: the store is as before the run, or as after it
                assert state in ([before, after] if before else [after]) or (
                    before is None and state["articles"] == []
                )
        subprocess.run(store_run_command(batch, db, root / f"out{k}", config), check=True)
        assert _state(db) == after
        # running the same batch again changes nothing: re-ingesting is a no-op
        subprocess.run(store_run_command(batch, db, root / f"again{k}", config), check=True)
        assert _state(db) == after
    assert kills >= 3, "most kills should land while the run is still working"


def test_query_reads_the_store_without_changing_it(setup):
    root, _, (_, batch_b), (after_a, _), _ = setup
    db = root / "query.db"
    config = orjson.loads((root / "config.json").read_bytes())
    subprocess.run(
        store_run_command(setup[2][0], db, root / "qout", root / "config.json"), check=True
    )
    before = db.read_bytes()
    from wiretrace.config import Config

    answers, accounting = query([batch_b], db, Config.from_dict(config))
    assert db.read_bytes() == before
    assert len(answers) == accounting.processed >= 110
    assert any(a.relations for a in answers)
    assert all(
        ({r.a, r.b} - {a.id}) <= set(after_a["articles"]) for a in answers for r in a.relations
    )
