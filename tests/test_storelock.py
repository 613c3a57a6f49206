"""Concurrent writers on one store wait for each other (issue 13): nothing lost, nothing doubled.

Real ``wiretrace run --db`` processes are started at once on one SQLite file; the store
must end exactly as one run after the other leaves it. The writer lock is also held from
this process (a real ``flock`` on the real sidecar file) to show a run waiting, saying so,
giving up after ``--wait``, and ``query`` reading the store meanwhile.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import orjson
import pytest

from tests.helpers import DEMO, SRC, store_run_command
from wiretrace.config import Config
from wiretrace.query import query
from wiretrace.storelock import StoreBusy, StoreLock

# stories on (families are stored with them)
CONFIG = {"story": {"encoder": "none"}, "run": {"workers": 1}}
COPY = ("wire_original", "reprint_with_chrome")  # the copy pair, one half in each input


def _has_copy_and_family(state: dict) -> bool:
    return set(COPY) in [set(r[:2]) for r in state["relations"]] and any(
        set(COPY) <= set(f) for f in state["families"]
    )


def _start(
    inputs: Path, db: Path, out: Path, config: Path, *extra: str, stderr=subprocess.PIPE
) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }
    cmd = store_run_command(inputs, db, out, config, *extra)
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, env=env)


def _finish(proc: subprocess.Popen) -> tuple[int, str]:
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err.decode() if err else ""


def _state(db: Path) -> dict:
    """The store's articles, relations and derived state, comparable between stores."""
    con = sqlite3.connect(db)
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM articles")]
        relations = [
            (a, b, orjson.loads(r)["relation"])
            for a, b, r in con.execute("SELECT * FROM relations")
        ]
        story_relations = [
            (a, b, orjson.loads(r)["relation"])
            for a, b, r in con.execute("SELECT * FROM story_relations")
        ]
        families = [
            tuple(sorted(orjson.loads(r)["members"]))
            for (r,) in con.execute("SELECT record FROM families")
        ]
        stories = [
            tuple(sorted(orjson.loads(r)["members"]))
            for (r,) in con.execute("SELECT record FROM stories")
        ]
        fingerprinted = [r[0] for r in con.execute("SELECT id FROM fingerprints")]
        for rows in (ids, relations, story_relations, families, stories, fingerprinted):
            assert len(rows) == len(set(rows)), "doubled rows"
        return {
            "articles": sorted(ids),
            "fingerprinted": sorted(fingerprinted),
            "relations": sorted(relations),
            "story_relations": sorted(story_relations),
            "families": sorted(families),
            "stories": sorted(stories),
        }
    finally:
        con.close()


def _skip_reasons(out: Path) -> list[str]:
    report = orjson.loads((out / "report.json").read_bytes())
    return [s["reason"] for s in report["accounting"]["skipped_records"] if s["id"] is not None]


@pytest.fixture(scope="module")
def halves(tmp_path_factory):
    """Two inputs, each with one half of the demo's copy pair, and the store that one run
    after the other leaves (in either order)."""
    root = tmp_path_factory.mktemp("lock")
    config = root / "config.json"
    config.write_bytes(orjson.dumps(CONFIG))
    a, b = root / "a", root / "b"
    for folder, names in [
        (a, ["wire_original", "ferry_story", "unrelated_story"]),
        (b, ["reprint_with_chrome", "independent_report"]),
    ]:
        folder.mkdir()
        for name in names:
            shutil.copy(DEMO / f"{name}.txt", folder / f"{name}.txt")
    expected = []
    for order in ([a, b], [b, a]):
        db = root / f"seq_{order[0].name}.db"
        for k, inputs in enumerate(order):
            code, err = _finish(_start(inputs, db, root / f"seq_{order[0].name}{k}", config))
            assert code == 0, err
        expected.append(_state(db))
    return root, config, a, b, expected


def test_one_run_after_the_other_gives_the_copy_and_its_family(halves):
    *_, expected = halves
    for state in expected:
        assert len(state["articles"]) == 5
        assert _has_copy_and_family(state)


def _together(starts: list, db: Path, tmp: Path, gate: bool) -> list[tuple[int, str]]:
    """Start the runs at once; wait for both; (exit code, stderr) of each. With ``gate`` the
    writer lock is held from here until both runs wait for it, so that both reach the store
    together however the machine schedules them (without it, the start-up may separate them)."""
    logs = [tmp / f"stderr{k}.txt" for k in range(len(starts))]
    files = [log.open("wb") for log in logs]  # closed as each run ends
    lock = StoreLock(db).acquire() if gate else None
    try:
        procs = [start(stderr=f) for start, f in zip(starts, files, strict=True)]
        if lock:
            said = [
                _wait_for(log, "waiting for another run", proc)
                for log, proc in zip(logs, procs, strict=True)
            ]
            assert all("waiting for another run" in s for s in said), said
            assert not db.exists(), "nothing reads or writes the store before the lock"
    finally:
        if lock:
            lock.release()
    results = []
    for proc, f, log in zip(procs, files, logs, strict=True):
        proc.wait(timeout=120)
        f.close()
        results.append((proc.returncode, log.read_text()))
    return results


@pytest.mark.parametrize("gate", [False, True])
def test_two_runs_at_once_lose_nothing(halves, tmp_path, gate):
    root, config, a, b, expected = halves
    db = tmp_path / "together.db"
    results = _together(
        [partial(_start, inputs, db, tmp_path / f"out_{inputs.name}", config) for inputs in (a, b)],
        db,
        tmp_path,
        gate,
    )
    for code, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    state = _state(db)
    assert state in expected  # as one run after the other (either may have gone first)
    assert _has_copy_and_family(state)


def test_two_runs_of_the_same_input_at_once(halves, tmp_path):
    root, config, *_ = halves
    db = tmp_path / "same.db"
    outs = [tmp_path / "same_1", tmp_path / "same_2"]
    results = _together(
        [partial(_start, DEMO, db, out, config) for out in outs], db, tmp_path, gate=True
    )
    for code, err in results:
        assert code == 0, err
        assert "Traceback" not in err and "IntegrityError" not in err
    once = tmp_path / "once.db"
    assert _finish(_start(DEMO, once, tmp_path / "once", config))[0] == 0
    assert _state(db) == _state(once)
    # the run that went second found every article stored by the first
    reasons = sorted((_skip_reasons(out) for out in outs), key=len)
    assert reasons == [[], ["already in the store (same text)"] * 5]


def _wait_for(path: Path, text: str, proc: subprocess.Popen, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        content = path.read_text() if path.exists() else ""
        if text in content or proc.poll() is not None:
            return content
        time.sleep(0.05)
    return path.read_text()


def test_a_run_waits_for_the_lock_and_says_so(halves, tmp_path):
    root, config, a, *_ = halves
    db = tmp_path / "index.db"
    log = tmp_path / "stderr.txt"
    with StoreLock(db) as lock, open(log, "wb") as err:
        assert lock.path == tmp_path / "index.db.lock"
        proc = _start(a, db, tmp_path / "out", config, stderr=err)
        said = _wait_for(log, "waiting for another run", proc)
        assert proc.poll() is None, "the run must wait while the lock is held"
        assert said.strip().splitlines() == [
            f"waiting for another run on {db} (pid {os.getpid()}) to finish…"
        ]
        time.sleep(0.5)
        assert proc.poll() is None and not db.exists()  # it has read nothing, written nothing
    code, _ = _finish(proc)
    assert code == 0
    assert len(_state(db)["articles"]) == 3


def test_wait_gives_up_with_one_line(halves, tmp_path):
    root, config, a, *_ = halves
    db = tmp_path / "index.db"
    with StoreLock(db):
        start = time.monotonic()
        code, err = _finish(_start(a, db, tmp_path / "out", config, "--wait", "0.5"))
        assert time.monotonic() - start < 30
    assert code != 0
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[0].startswith("waiting for another run")
    assert len(lines) == 2 and "gave up" in lines[1] and str(db) in lines[1]


def test_lock_is_exclusive_and_released(tmp_path):
    db = tmp_path / "index.db"
    with StoreLock(db), pytest.raises(StoreBusy):
        StoreLock(db, wait=0.1, notify=lambda _: None).acquire()
    with StoreLock(db, wait=0):  # released: taken at once
        pass


def test_query_reads_while_a_run_holds_the_lock(halves, tmp_path):
    root, config, a, b, _ = halves
    db = tmp_path / "index.db"
    assert _finish(_start(a, db, tmp_path / "out", config))[0] == 0
    with StoreLock(db):  # a writer is working: a read-only query neither waits nor fails
        answers, _ = query([b], db, Config.from_dict(CONFIG))
    assert {r.a for x in answers for r in x.relations} | {
        r.b for x in answers for r in x.relations
    } >= {"wire_original"}


def test_a_killed_holder_leaves_no_stale_lock(halves, tmp_path):
    """The kernel drops a flock when its holder dies: SIGKILL leaves nothing to clean, even
    while a child it forked (a worker of its pool) lives on."""
    root, config, a, *_ = halves
    db = tmp_path / "index.db"
    script = (
        "import os, sys, time\n"
        "from wiretrace.storelock import StoreLock\n"
        f"StoreLock({str(db)!r}).acquire()\n"
        "if os.fork() == 0:\n"
        # The child speaks, not the parent: its fork hook has run by the time it can,
        # so the lock is the parent's alone when the test kills the parent.
        "    print(os.getpid(), flush=True)\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    child = int(holder.stdout.readline())
    try:
        with pytest.raises(StoreBusy):
            StoreLock(db, wait=0, notify=lambda _: None).acquire()
        holder.kill()
        holder.wait()
        assert (tmp_path / "index.db.lock").exists()  # the file stays; the lock does not
        with StoreLock(db, wait=0):  # free at once, though the forked child still runs
            os.kill(child, 0)
    finally:
        os.kill(child, signal.SIGKILL)
    code, err = _finish(_start(a, db, tmp_path / "out", config, "--wait", "5"))
    assert code == 0, err
    assert "waiting" not in err
