"""``wiretrace bench rounds``: the engine fed in rounds, each round timed, nothing lost."""

from __future__ import annotations

from wiretrace.config import Config
from wiretrace.store import Store
from wiretrace.story import lexical
from wiretrace_bench.rounds import round_seconds

from ..helpers import DEMO


def _records() -> list[dict]:
    return [
        {"id": path.stem, "title": path.read_text().splitlines()[0], "text": path.read_text()}
        for path in sorted(DEMO.glob("*.txt"))
    ]


def test_every_article_goes_in_and_each_round_is_timed(tmp_path):
    records = _records()  # 5 articles: rounds of 2, 2 and 1
    config = Config.from_dict({"story": {"encoder": "none"}})
    seconds = round_seconds(records, 2, config, tmp_path / "index.db")
    assert len(seconds) == 3 and all(s > 0 for s in seconds)
    with Store(tmp_path / "index.db", read_only=True) as store:
        assert sorted(store.article_ids()) == sorted(r["id"] for r in records)
    assert lexical._MEMO is None  # the engine's term memo does not outlive it
