"""API keys of ``wiretrace serve`` (wiretrace.service.keys): salted hashes, revoked."""

from __future__ import annotations

import sqlite3

from tests.service.helpers import new_key
from wiretrace.cli import main as cli


def test_keys_are_stored_as_salted_hashes_and_revoked(tmp_path, capsys):
    db = tmp_path / "k.db"
    key = new_key(db, "desk", "write")
    assert key.startswith("wt_")
    secret = key.split("_", 2)[2]
    assert secret.encode() not in db.read_bytes()  # only its hash is kept
    with sqlite3.connect(db) as con:
        (salt, digest), *_ = con.execute("SELECT salt, digest FROM api_keys").fetchall()
    assert len(salt) == 16 and len(digest) == 32
    other = new_key(db, "other", "read")
    with sqlite3.connect(db) as con:
        salts = [s for (s,) in con.execute("SELECT salt FROM api_keys")]
    assert len(set(salts)) == 2 and other != key

    assert cli(["keys", "add", "desk", "--scope", "read", "--db", str(db)]) == 2  # name taken
    assert "exists" in capsys.readouterr().err
    assert cli(["keys", "list", "--db", str(db)]) == 0
    listed = capsys.readouterr().out
    assert "desk\twrite" in listed and "other\tread" in listed and key not in listed
    assert cli(["keys", "revoke", "desk", "--db", str(db)]) == 0
    assert cli(["keys", "revoke", "desk", "--db", str(db)]) == 2  # no live key of that name
    assert "no live key" in capsys.readouterr().err
    assert cli(["keys", "list", "--db", str(db)]) == 0
    assert "revoked" in capsys.readouterr().out
