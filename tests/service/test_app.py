"""``wiretrace serve``: the real server in a subprocess on 127.0.0.1, a real HTTP client.

Each server runs ``python -m wiretrace.cli serve`` on a store of its own; the keys are made
with ``wiretrace keys add`` as a user would.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import orjson
import pytest

from tests.helpers import SEEDS
from tests.service.helpers import new_key
from wiretrace.ingest import read_inputs
from wiretrace.pipeline import run
from wiretrace.records import Skipped


def seed_records() -> list[dict]:
    """The seeds as the JSON records a client posts: the first line of each file is its
    title. Fails (never skips) without ../shared, as CI has it."""
    assert SEEDS.exists(), f"{SEEDS} is missing: the service tests need ../shared/seeds"
    rows = []
    for a in read_inputs(sorted(SEEDS.glob("*.txt"))):
        assert not isinstance(a, Skipped), a
        title, _, body = a.text.partition("\n")
        rows.append({"id": a.id, "title": title.strip(), "text": body.strip()})
    return rows


def story_records(prefix: str, n: int, day: int = 1) -> list[dict]:
    """``n`` dated articles of three of the seeds' paragraphs each, ids ``prefix-k`` (some
    share paragraphs: partial copies of each other)."""
    paragraphs = [p for r in seed_records() for p in r["text"].split("\n\n") if len(p) > 100]
    return [
        {
            "id": f"{prefix}-{k}",
            "title": f"{prefix} report {k}",
            "text": "\n\n".join(paragraphs[(k * 3 + j) % len(paragraphs)] for j in range(3)),
            "published": f"2022-01-{day + k % 20:02d}T10:00:00+00:00",
            "source": f"outlet{k % 3}",
        }
        for k in range(n)
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``wiretrace serve`` in a subprocess, with a write key and a read key."""

    def __init__(self, db: Path, *flags: str):
        self.db = db
        self.flags = flags
        self.write_key = new_key(db, "desk", "write")
        self.read_key = new_key(db, "reader", "read")
        self.start()

    def start(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(self.db.with_suffix(f".{self.port}.log"), "wb")  # noqa: SIM115 - kept open while it runs
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wiretrace.cli", "serve", "--db", str(self.db)]
            + ["--port", str(self.port), *self.flags],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.db.with_suffix(f".{self.port}.log").read_text()
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError("the server did not come up in 120 s")

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)

    def post(self, records: list[dict], path: str = "/v1/articles") -> httpx.Response:
        with self.client(self.write_key) as c:
            return c.post(path, json={"articles": records})

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(60)
        self.log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("serve") / "index.db", "--max-batch", "60")
    yield s
    s.stop()


def _stored_count(db: Path, table: str = "articles") -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


# -- keys -------------------------------------------------------------------------------


# -- errors -----------------------------------------------------------------------------
def test_keys_scopes_and_errors_answer_json(server):
    with server.client() as anon:
        assert anon.get("/health").status_code == 200  # no key needed
        r = anon.get("/v1/stories")
        assert r.status_code == 401 and "error" in r.json()
        assert r.headers["www-authenticate"] == "Bearer"
    with server.client("wt_0123456789abcdef_" + "x" * 43) as unknown:
        assert unknown.get("/v1/stories").status_code == 401
    with server.client(server.read_key) as reader:
        r = reader.post("/v1/articles", json={"articles": []})
        assert r.status_code == 403 and "write" in r.json()["error"]
        r = reader.get("/v1/articles/no-such-article")
        assert r.status_code == 404 and "no-such-article" in r.json()["error"]
        assert reader.get("/v1/stories/story:none").status_code == 404
        assert reader.get("/v1/stories", params={"since": "yesterday"}).status_code == 400
        assert reader.get("/v1/stories", params={"page": 0}).status_code == 400
    with server.client(server.write_key) as writer:
        r = writer.post("/v1/articles", content=b'{"articles": [{"id": ')
        assert r.status_code == 400 and r.json()["error"].startswith("bad JSON")
        r = writer.post("/v1/articles", json=[{"id": "a"}])
        assert r.status_code == 400 and "articles" in r.json()["error"]
        r = writer.post("/v1/articles", json={"articles": [{"id": f"n{k}"} for k in range(61)]})
        assert r.status_code == 413 and "at most 60" in r.json()["error"]


def test_a_body_over_the_limit_is_refused_before_it_is_read(server):
    """413 on the declared length alone: the client sends 20 bytes of a declared 50 MB and
    still gets its answer (a server reading the body whole would wait for the rest)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(
            b"POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {server.write_key}\r\n".encode()
            + b"Content-Length: 52428800\r\n\r\n"
            + b'{"articles": [{"id":'
        )
        answer = b""
        while b'"error"' not in answer and (part := s.recv(4096)):
            answer += part
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"error"' in answer
    # a streamed body (no declared length) is cut off once past the limit too
    with server.client(server.write_key) as writer:
        chunks = (b" " * 2**20 for _ in range(12))  # 12 MB of whitespace, chunked
        r = writer.post("/v1/articles", content=chunks)
    assert r.status_code == 413


def test_one_bad_record_is_skipped_and_the_rest_go_on(server):
    good = story_records("mixed", 2, day=3)
    r = server.post([good[0], {"id": "bad-1", "text": 5}, {"title": "no id"}, good[1]])
    assert r.status_code == 200
    answers = r.json()["articles"]
    assert [a["status"] for a in answers] == ["added", "skipped", "skipped", "added"]
    assert answers[1] == {"id": "bad-1", "status": "skipped", "reason": "'text' is a int"}
    assert answers[2]["reason"] == "missing 'id'"
    assert answers[0]["story"] and answers[3]["story"]


def test_posted_dates_are_stored_as_iso_and_an_unreadable_one_is_noted(server):
    rss, written, unreadable = story_records("posted-dates", 3, day=5)
    rss["published"] = "Wed, 05 Jan 2022 10:00:00 GMT"
    written["published"] = "Jan. 6, 2022 10:00 AM EST"
    unreadable["published"] = "next Friday"
    r = server.post([rss, written, unreadable])
    assert [a["status"] for a in r.json()["articles"]] == ["added"] * 3
    with server.client(server.read_key) as reader:

        def stored(article_id: str) -> dict:
            return reader.get(f"/v1/articles/{article_id}").json()["article"]

        assert stored(rss["id"])["published"] == "2022-01-05T10:00:00+00:00"
        assert stored(written["id"])["published"] == "2022-01-06T10:00-05:00"
        kept = stored(unreadable["id"])
        assert kept["published"] is None
        assert kept["notes"] == [
            "unreadable date: 'next Friday' (no four-digit year); the article is undated"
        ]


def test_each_key_is_rate_limited(tmp_path):
    s = Server(tmp_path / "rate.db", "--rate", "5")  # 5 requests a second, bursts of 10
    try:
        with s.client(s.read_key) as reader:
            codes = [reader.get("/v1/stories").status_code for _ in range(30)]
        assert codes[:10] == [200] * 10 and 429 in codes
        with s.client(s.read_key) as reader:
            r = reader.get("/v1/stories")
        assert r.status_code in (200, 429)
        if r.status_code == 429:
            assert int(r.headers["retry-after"]) >= 1 and "error" in r.json()
        with s.client(s.write_key) as other:  # another key has its own allowance
            assert other.get("/v1/stories").status_code == 200
    finally:
        s.stop()


# -- the engine through the API -----------------------------------------------------------
def test_the_seeds_through_the_api_are_what_run_finds(tmp_path):
    records = seed_records()
    (tmp_path / "seeds.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    batch = run([tmp_path / "seeds.jsonl"], db=tmp_path / "run.db")
    expected = {(r.a, r.b, r.relation) for r in batch.relations}
    assert ("001_4c9c80885384a75a", "002_005f1038b4d1bee6", "copy") in expected

    s = Server(tmp_path / "api.db")
    try:
        r = s.post(records)
        assert r.status_code == 200
        answers = r.json()["articles"]
        assert [a["status"] for a in answers] == ["added"] * len(records)
        got = {(x["a"], x["b"], x["relation"]) for a in answers for x in a["relations"]}
        assert got == expected
        assert all(
            x["evidence"] for a in answers for x in a["relations"] if x["relation"] == "copy"
        )
        assert {a["id"]: a["story"] for a in answers} == batch.story_of()
        assert {a["id"]: a["family"] for a in answers if a["family"]} == batch.family_of()
        originals = {m: g.original for g in batch.lineages for m in g.members}
        assert {a["id"]: a["original"] for a in answers if a["original"]} == originals

        with s.client(s.read_key) as reader:
            article = reader.get("/v1/articles/002_005f1038b4d1bee6").json()
            assert article["family"] == batch.family_of()["002_005f1038b4d1bee6"]
            assert article["diff"] and article["article"]["paragraphs"]
            story = reader.get(f"/v1/stories/{answers[0]['story']}").json()
            assert {m["id"] for m in story["members"]} == {r["id"] for r in records}
            assert story["lineages"] and story["relations"]
            listed = reader.get("/v1/stories", params={"q": "Lavrov"}).json()
            assert listed["total"] == 1 and listed["stories"][0]["size"] == len(records)
            assert reader.get("/v1/stories", params={"q": "zzzqqq"}).json()["total"] == 0
            # a query compares and stores nothing
            before = _stored_count(s.db)
            q = reader.post("/v1/query", json={"articles": [records[2]]}).json()["articles"]
            assert q[0]["status"] == "compared" and q[0]["seen"] is True
            assert _stored_count(s.db) == before

        again = s.post(records).json()["articles"]  # the same batch again changes nothing
        assert [a["status"] for a in again] == ["already stored"] * len(records)
        assert {(x["a"], x["b"], x["relation"]) for a in again for x in a["relations"]} == got
        assert _stored_count(s.db) == len(records)
    finally:
        s.stop()


def test_stories_are_listed_newest_first_and_filtered(server):
    old = server.post(story_records("listing-old", 2, day=2)).json()["articles"]
    new = server.post(story_records("listing-new", 2, day=25)).json()["articles"]
    with server.client(server.read_key) as reader:

        def listed(**params) -> dict:
            r = reader.get("/v1/stories", params={"per_page": 100, **params})
            assert r.status_code == 200
            return r.json()

        everything = listed()
        lasts = [s["last"] for s in everything["stories"] if s["last"]]
        assert lasts == sorted(lasts, reverse=True)
        names = {s["story"] for s in everything["stories"]}
        assert {a["story"] for a in old + new} <= names
        recent = listed(since="2022-01-25")
        assert recent["stories"] and all(s["last"] >= "2022-01-25" for s in recent["stories"])
        assert {a["story"] for a in new} <= {s["story"] for s in recent["stories"]}
        early = listed(until="2022-01-02")
        assert all(s["first"] <= "2022-01-02T23:59:59" for s in early["stories"])
        assert old[0]["story"] in {s["story"] for s in early["stories"]}
        one = listed(q="listing-new report 1", source="OUTLET1")  # any case
        assert one["total"] >= 1 and all("outlet1" in s["sources"] for s in one["stories"])
        assert new[1]["story"] in {s["story"] for s in one["stories"]}
        assert listed(q="no article says zzzqqq")["total"] == 0
        paged = listed(per_page=1, page=2)
        assert len(paged["stories"]) == 1 and paged["total"] == everything["total"]
        assert paged["stories"][0] == everything["stories"][1]


def test_concurrent_overlapping_posts_store_each_article_once(server):
    records = story_records("overlap", 24, day=5)
    batches = [records[0:12], records[6:18], records[12:24], records[0:24:2]]
    answers: list[list[dict]] = [[] for _ in batches]
    errors: list[str] = []
    start = threading.Barrier(len(batches))

    def post(k: int) -> None:
        start.wait()
        r = server.post(batches[k])
        if r.status_code != 200:
            errors.append(r.text)
        else:
            answers[k] = r.json()["articles"]

    threads = [threading.Thread(target=post, args=(k,)) for k in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    added = [a["id"] for batch in answers for a in batch if a["status"] == "added"]
    assert sorted(added) == sorted(r["id"] for r in records)  # each added exactly once
    others = [a for batch in answers for a in batch if a["status"] != "added"]
    assert {a["status"] for a in others} <= {"already stored"}
    with sqlite3.connect(f"file:{server.db}?mode=ro", uri=True) as con:
        stored = [i for (i,) in con.execute("SELECT id FROM articles WHERE id LIKE 'overlap-%'")]
        in_stories = con.execute(
            "SELECT COUNT(*) FROM story_of WHERE id LIKE 'overlap-%'"
        ).fetchone()[0]
    assert sorted(stored) == sorted(r["id"] for r in records) and in_stories == len(records)


def test_reads_go_on_while_a_batch_is_ingested(server):
    records = story_records("during", 40, day=8)
    done = threading.Event()
    codes: list[int] = []

    def read() -> None:
        with server.client(server.read_key) as reader:
            while not done.wait(0.05):  # 20 reads a second: within the key's rate
                codes.append(reader.get("/v1/stories", params={"per_page": 5}).status_code)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        assert server.post(records).status_code == 200
    finally:
        done.set()
        reader.join()
    assert codes and set(codes) == {200}


def test_an_acknowledged_batch_survives_a_sigkill(tmp_path):
    s = Server(tmp_path / "kill.db")
    records = story_records("killed", 10, day=4)
    try:
        r = s.post(records)
        assert r.status_code == 200
        engine = _children(s.process.pid)
        assert engine
        # the encoder's workers, forked once when the engine started (on two cores or more)
        workers = [w for pid in engine for w in _children(pid)]
        assert workers or (os.cpu_count() or 1) < 2
        s.process.send_signal(signal.SIGKILL)  # right after the 200: no shutdown at all
        s.process.wait(30)
        for pid in engine:  # the engine process dies with the server (it held the lock)
            _wait_gone(pid)
        for pid in workers:  # and its workers with it
            _wait_gone(pid)
        s.log.close()
        s.start()  # the same store, a new server
        with s.client(s.read_key) as reader:
            for rec in records:
                got = reader.get(f"/v1/articles/{rec['id']}")
                assert got.status_code == 200 and got.json()["story"]
        again = s.post(records).json()["articles"]
        assert [a["status"] for a in again] == ["already stored"] * len(records)
        assert _stored_count(s.db) == len(records)
    finally:
        s.stop()


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started, from any of its threads (the server starts its engine
    from one of uvicorn's)."""
    return [
        int(child)
        for path in Path(f"/proc/{pid}/task").glob("*/children")
        for child in path.read_text().split()
    ]


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            stat = Path(f"/proc/{pid}/stat").read_text()
            if ") Z" in stat:  # a zombie: dead, not yet reaped
                return
        except (ProcessLookupError, FileNotFoundError):
            return
        time.sleep(0.1)
    raise AssertionError(f"engine process {pid} outlived its server")


# -- the live report in a real browser -----------------------------------------------------


HOSTILE_TITLE = '<img src=x onerror="window.pwned=1">Hostile <b>title</b> <!-- \u202eevil'
HOSTILE_LINE = "</script><script>window.pwned=2</script> and <iframe src=javascript:alert(1)>"


def test_the_live_report_needs_a_key_and_shows_markup_as_text(tmp_path, page):
    s = Server(tmp_path / "live.db")
    try:
        records = seed_records()
        copy = dict(records[1], id="hostile-copy", title=HOSTILE_TITLE)
        copy["text"] = copy["text"] + "\n\n" + HOSTILE_LINE + " " + "more words " * 10
        assert s.post([*records, copy]).status_code == 200

        page.errors.clear()
        page.goto(f"{s.url}/report")
        assert page.url.endswith("/login")  # no key, no report
        page.fill("input[name=key]", "wt_0123456789abcdef_" + "x" * 43)
        page.click("button[type=submit]")
        assert "failed=1" in page.url and "unknown or revoked" in page.content()
        page.fill("input[name=key]", s.read_key)
        page.click("button[type=submit]")
        page.wait_for_selector("#stories tr")
        assert page.url.endswith("/report")

        listing = page.inner_text("#stories")
        assert "Lavrov" in listing or "Crisis in Ukraine" in listing
        page.goto(f"{s.url}/report?q=Hostile")
        page.wait_for_selector("#stories tr")
        assert page.locator("#stories tr").count() == 1  # the seeds' story, which it joined
        page.click("#stories tr a")
        page.wait_for_selector("#side-by-side, #compare")
        shown = page.inner_text("body")
        assert 'onerror="window.pwned=1">Hostile <b>title</b>' in shown  # markup as text
        assert "\u202e" not in shown and "\ufffdevil" in shown  # no bidi override shown
        page.select_option("#version-picker", "hostile-copy")  # beside its original
        page.wait_for_selector("#compare")
        assert "</script><script>window.pwned=2</script>" in page.inner_text("#compare")
        assert page.evaluate("typeof window.pwned") == "undefined"  # nothing of it ran
        assert page.locator("iframe, img").count() == 0
        assert not page.errors, page.errors  # the report's own script ran, under the CSP

        # the pictures, from the store, under the CSP: the story's timeline and trees ...
        marks = page.locator("#story-timeline circle.tl-mark")
        assert marks.count() == page.locator("#timeline tr.version-row").count() >= 4
        assert page.locator(
            '#story-timeline circle.tl-mark[data-article="hostile-copy"]'
        ).get_attribute("data-role") in ("copy", "original")
        trees = page.locator("svg.lineage-tree").count()
        nodes = page.locator("svg.lineage-tree g.tree-node").count()
        assert trees >= 1 and nodes == page.locator(".derivations li").count() + trees
        # ... and the corpus page of the stories on the page (here one)
        page.goto(f"{s.url}/report?q=Hostile#corpus")
        page.wait_for_selector("#corpus-matrix")
        counts = page.locator("#corpus-matrix g.corpus-cell").evaluate_all(
            "cells => cells.map((c) => Number(c.dataset.count))"
        )
        assert sum(counts) == nodes - trees > 0
        assert page.locator("#top-originals tr.top-original").count() == trees
        assert not page.errors, page.errors

        page.goto(f"{s.url}/logout")
        page.goto(f"{s.url}/report")
        assert page.url.endswith("/login")
    finally:
        s.stop()


def test_the_live_report_opens_a_relation_to_a_story_not_on_the_page(tmp_path, page):
    """The demo's ferry story shares two paragraphs with a reprint in another story; with
    only the ferry story listed, its relation still opens side by side, both texts shown."""
    import wiretrace

    demo = Path(wiretrace.__file__).parent / "demo"
    records = []
    for a in read_inputs(sorted(demo.glob("*.txt"))):
        title, _, body = a.text.partition("\n")
        records.append({"id": a.id, "title": title.strip(), "text": body.strip()})
    s = Server(tmp_path / "live.db")
    try:
        assert s.post(records).status_code == 200
        page.errors.clear()
        page.goto(f"{s.url}/login")
        page.fill("input[name=key]", s.read_key)
        page.click("button[type=submit]")
        page.goto(f"{s.url}/report?q=island+route")  # words of the ferry story alone
        page.wait_for_selector("#stories tr")
        assert page.locator("#stories tr").count() == 1
        page.click("#stories tr a")
        page.wait_for_selector("#compare")
        page.locator('#version-relations a[data-relation="partial"]').click()
        page.wait_for_selector("#relation-sbs")
        with s.client(s.read_key) as c:
            found = c.get("/v1/articles/ferry_story").json()
        (rel,) = [r for r in found["relations"] if r["relation"] == "partial"]
        assert page.locator("#relation-sbs tr.evidence-row").count() == len(rel["evidence"])
        side = "a" if rel["a"] == "reprint_with_chrome" else "b"
        reprint = " ".join(page.locator(f'#relation-sbs td[data-side="{side}"]').all_inner_texts())
        assert "Meanwhile the regional ferry company" in reprint  # the reprint's own words
        assert "not in this report" not in page.inner_text("#relation-sbs")
        assert not page.errors, page.errors
    finally:
        s.stop()
