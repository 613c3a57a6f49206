"""The copy engine: fingerprints of another settings tag are rebuilt, each once."""

import sqlite3

from wiretrace import copy_engine
from wiretrace.config import Config, RunSettings, StorySettings
from wiretrace.fingerprint import (
    fingerprint_articles,
)


def test_fingerprints_of_another_tag_are_rebuilt_each_once(demo_dir, tmp_path, monkeypatch):
    from wiretrace import run
    from wiretrace.store import Store

    db = tmp_path / "index.db"
    run([demo_dir], Config(run=RunSettings(workers=1), story=StorySettings(enabled=False)), db=db)
    with sqlite3.connect(db) as con:
        con.execute("UPDATE fingerprints SET tag = 'old'")
    con.close()
    made: list[str] = []

    def counting(articles, settings):
        made.extend(a.id for a in articles)
        return fingerprint_articles(articles, settings)

    monkeypatch.setattr(copy_engine, "fingerprint_articles", counting)
    monkeypatch.setattr(copy_engine, "REBUILD_BATCH", 2)
    with Store(db) as store:
        fps = copy_engine.stored_fingerprints(store, Config())
        ids = store.article_ids()
        tags = {t for _, t, _ in store.fingerprints()}
    assert sorted(made) == sorted(ids) and len(ids) > 2
    assert [f.id for f in fps] == ids
    assert tags == {Config().fingerprint.tag()}
