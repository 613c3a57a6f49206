"""The store survives SIGKILL at any moment: nothing lost, nothing doubled (issue 5).

Real subprocesses run ``wiretrace run --db``; they are killed with SIGKILL at
random points, and the store must then hold exactly the state of the last
finished run (one transaction per run), and a rerun must reach exactly the
state of runs that were never killed.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from tests.conftest import synthetic_corpus

from wiretrace.query import query

CONFIG = {"story": {"encoder": "none", "min_match": 0.2}, "run": {"workers": 1}}


def _command(inputs: Path, db: Path, out: Path, config: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "wiretrace.cli",
        "run",
        str(inputs),
        "--db",
        str(db),
        "--out",
        str(out),
        "--config",
        str(config),
        "--quiet",
        "--no-html",
    ]


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
        subprocess.run(_command(batch, ref, root / f"ref_out{k}", config), check=True)
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
            killed = _kill_at(_command(batch, db, root / f"out{k}{attempt}", config), moment)
            kills += killed
            if db.exists():
                state = _state(db)
                # one transaction per run: the store is as before the run, or as after it
                assert state in ([before, after] if before else [after]) or (
                    before is None and state["articles"] == []
                )
        subprocess.run(_command(batch, db, root / f"out{k}", config), check=True)
        assert _state(db) == after
        # running the same batch again changes nothing: re-ingesting is a no-op
        subprocess.run(_command(batch, db, root / f"again{k}", config), check=True)
        assert _state(db) == after
    assert kills >= 3, "most kills should land while the run is still working"


def test_query_reads_the_store_without_changing_it(setup):
    root, _, (_, batch_b), (after_a, _), _ = setup
    db = root / "query.db"
    config = orjson.loads((root / "config.json").read_bytes())
    subprocess.run(_command(setup[2][0], db, root / "qout", root / "config.json"), check=True)
    before = db.read_bytes()
    from wiretrace.config import Config

    answers, accounting = query([batch_b], db, Config.from_dict(config))
    assert db.read_bytes() == before
    assert len(answers) == accounting.processed >= 110
    assert any(a.relations for a in answers)
    assert all(
        ({r.a, r.b} - {a.id}) <= set(after_a["articles"]) for a in answers for r in a.relations
    )
