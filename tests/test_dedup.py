"""``wiretrace dedup``: the input records minus copies, run as a user runs it."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.helpers import DATA, DEMO
from wiretrace.dedup import dedup, removed_path
from wiretrace.records import COPY_RELATIONS
from wiretrace.tables import read_table
from wiretrace_bench.datasets import allsides_articles
from wiretrace_bench.planted import plant_copies

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "wiretrace.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=600,
    )


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """30 AllSides articles (every field of the data set kept), 14 planted copies published
    after their source, and a malformed line; the first 6 originals in a CSV file whose
    header has a column wiretrace does not read."""
    assert DATA.exists(), f"{DATA} is needed next to the repository"
    rows = [
        r
        for r in allsides_articles(DATA, 400)
        if len([p for p in r["text"].split("\n\n") if p.strip()]) >= 5
    ][:30]
    corpus = plant_copies([{k: r[k] for k in ("id", "title", "text")} for r in rows], 14, seed=3)
    full = {r["id"]: {**r, "published": "2020-03-01T08:00:00+00:00"} for r in rows}
    for n, a in enumerate(a for a in corpus.articles if a["id"].startswith("planted-")):
        minute = int(a["id"].split("-")[1])  # copies of copies are planted after their source
        full[a["id"]] = {
            **a,
            "source": f"Reprinter {n % 3}",
            "published": f"2020-03-02T{9 + minute // 60:02d}:{minute % 60:02d}:00Z",
        }
    folder = tmp_path_factory.mktemp("planted")
    in_csv = [r["id"] for r in rows[:6]]
    with open(folder / "originals.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "Title", "text", "published", "Desk"])
        for i in in_csv:
            out.writerow([i, full[i]["title"], full[i]["text"], full[i]["published"], "world"])
    lines = [orjson.dumps(full[a["id"]]) for a in corpus.articles if a["id"] not in in_csv]
    lines.insert(7, b'{"id": "broken", "text": ')
    (folder / "articles.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    return folder, corpus, full, in_csv


def test_dedup_keeps_exactly_the_originals(planted, tmp_path):
    folder, corpus, full, in_csv = planted
    out = tmp_path / "clean" / "corpus.jsonl"
    done = _cli("dedup", str(folder), "--out", str(out), "--workers", "1")
    assert done.returncode == 0, done.stderr
    originals = {i for i in full if not i.startswith("planted-")}
    written = read_table(out)
    assert {r["id"] for r in written} == originals
    # as they were read: every field of a JSONL record, a CSV row under its own header
    for r in written:
        if r["id"] in in_csv:
            assert r == {
                "id": r["id"],
                "Title": full[r["id"]]["title"],
                "text": full[r["id"]]["text"],
                "published": full[r["id"]]["published"],
                "Desk": "world",
            }
        else:
            assert r == full[r["id"]]
    removed = read_table(removed_path(out))
    copies = {r["id"]: r for r in removed if r["id"] and r["id"].startswith("planted-")}
    assert set(copies) == set(corpus.copy_params)
    for i, r in copies.items():
        assert r["kept"] == corpus.family_of[i]
        assert r["relation"] in COPY_RELATIONS
        assert f"kept {r['kept']}, the original: " in r["reason"]
    broken = [r for r in removed if r["id"] is None]
    assert len(broken) == 1 and broken[0]["reason"].startswith("skipped: malformed JSON")
    assert broken[0]["origin"].endswith("articles.jsonl:8")
    assert f"{len(originals)} records -> " in done.stderr


def test_earliest_needs_no_stories_and_writes_parquet(planted, tmp_path):
    folder, corpus, full, _ = planted
    out = tmp_path / "corpus.parquet"
    done = dedup([folder], out, keep="earliest")
    assert done.result.stories == [] and done.result.lineages == []  # the copy engine alone
    assert {r["id"] for r in read_table(out)} == {i for i in full if i not in corpus.copy_params}
    removed = read_table(tmp_path / "corpus.removed.parquet")
    assert {r["id"]: r["kept"] for r in removed if r["kept"]} == {
        i: corpus.family_of[i] for i in corpus.copy_params
    }
    assert all(
        "published first (2020-03-01T08:00:00+00:00)" in r["reason"] for r in removed if r["kept"]
    )


def test_longest_keeps_each_familys_longest(planted, tmp_path):
    folder, _, _, _ = planted
    done = dedup([folder], tmp_path / "corpus.jsonl.gz", keep="longest")
    words = {a.id: len(a.text.split()) for a in done.result.articles}
    kept = {r.kept for r in done.removed if r.kept}
    assert kept
    for r in done.removed:
        if r.kept:
            assert words[r.kept] >= words[r.id]
    assert done.written == len(read_table(tmp_path / "corpus.jsonl.gz"))


def test_text_files_come_out_as_read_not_cleaned(tmp_path):
    out = tmp_path / "demo.jsonl"
    done = dedup([DEMO], out, keep="earliest")
    rows = {r["id"]: r for r in read_table(out)}
    assert "reprint_with_chrome" not in rows  # a copy of wire_original
    raw = (DEMO / "wire_original.txt").read_text(encoding="utf-8")
    assert rows["wire_original"]["text"] == raw  # the file as read, chrome and all
    assert any(r.reason.startswith("skipped: unsupported file type") for r in done.removed)


def test_a_wrong_out_is_one_line(tmp_path):
    done = _cli("dedup", str(DEMO), "--out", str(tmp_path / "corpus.csv"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"wiretrace: error: --out {tmp_path / 'corpus.csv'}: the corpus is written as .jsonl, "
        ".jsonl.gz or .parquet"
    ]
