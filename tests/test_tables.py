"""Output tables in JSONL, Parquet and CSV: written by a run, read back by report and show."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest

from tests.helpers import DEMO
from wiretrace import Config, run
from wiretrace.config import RunSettings
from wiretrace.report import write_outputs
from wiretrace.report.html import render_html
from wiretrace.report.outputs import TABLES, Outputs
from wiretrace.tables import read_table, write_table

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_outputs(tmp_path_factory):
    """One run of the demo corpus, its outputs written in each format."""
    config = Config(run=RunSettings(workers=1))
    result = run([DEMO], config)
    folders = {}
    for fmt in ("jsonl", "parquet", "csv"):
        folders[fmt] = tmp_path_factory.mktemp(fmt)
        write_outputs(result, folders[fmt], config, fmt)
    return folders


def _jsonl(folder: Path, name: str) -> list[dict]:
    return [orjson.loads(x) for x in (folder / f"{name}.jsonl").read_bytes().splitlines()]


def test_parquet_round_trip_of_the_outputs(demo_outputs):
    jsonl, parquet = Outputs.load(demo_outputs["jsonl"]), Outputs.load(demo_outputs["parquet"])
    for name in TABLES:
        assert getattr(parquet, name) == getattr(jsonl, name), name
    assert sorted(p.name for p in demo_outputs["parquet"].iterdir()) == sorted(
        [f"{name}.parquet" for name in TABLES] + ["report.json"]
    )
    # Arrow's own types, for a data team's tools: evidence is a list of structs
    schema = pq.read_schema(demo_outputs["parquet"] / "relations.parquet")
    assert str(schema.field("evidence").type).startswith("list<element: struct<a_paragraph")
    assert str(
        pq.read_schema(demo_outputs["parquet"] / "articles.parquet").field("paragraphs").type
    ) == ("list<element: string>")
    assert render_html(parquet) == render_html(jsonl)  # the same report from either


def test_csv_is_read_by_pythons_csv_module(demo_outputs):
    folder = demo_outputs["csv"]
    relations = _jsonl(demo_outputs["jsonl"], "relations")
    with open(folder / "relations.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(relations) > 0
    for row, rel in zip(rows, relations, strict=True):
        assert (row["a"], row["b"], row["relation"]) == (rel["a"], rel["b"], rel["relation"])
        assert float(row["similarity"]) == rel["similarity"]
        assert json.loads(row["evidence"]) == rel["evidence"]  # nested fields: JSON in a cell
        assert row["match"] == ("" if rel["match"] is None else json.dumps(rel["match"]))
    with open(folder / "articles.csv", encoding="utf-8", newline="") as fh:
        articles = {r["id"]: r for r in csv.DictReader(fh)}
    for a in _jsonl(demo_outputs["jsonl"], "articles"):
        assert json.loads(articles[a["id"]]["paragraphs"]) == a["paragraphs"]
        assert articles[a["id"]]["title"] == a["title"]
    assert Outputs.load(folder).relations == Outputs.load(demo_outputs["jsonl"]).relations


def test_run_and_show_through_the_command_line(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "wiretrace.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )

    out = tmp_path / "out"
    done = cli("run", str(DEMO), "--out", str(out), "--format", "jsonl", "--quiet", "--no-html")
    assert done.returncode == 0, done.stderr
    done = cli("run", str(DEMO), "--out", str(out), "--format", "csv", "--quiet", "--no-html")
    assert done.returncode == 0, done.stderr
    # the JSONL tables of the first run went: they would be read in place of these
    assert not list(out.glob("*.jsonl")) and (out / "diffs.csv").exists()
    shown = cli("show", "reprint_with_chrome", "--out", str(out))
    assert shown.returncode == 0, shown.stderr
    assert "Original: wire_original" in shown.stdout
    done = cli("report", str(out))
    assert done.returncode == 0 and (out / "report.html").stat().st_size > 0
    wrong = cli("run", str(DEMO), "--out", str(out), "--format", "xlsx")
    assert wrong.returncode == 2 and "invalid choice: 'xlsx'" in wrong.stderr


def test_a_column_arrow_cannot_give_back_is_json_in_parquet(tmp_path):
    rows = [
        {"id": "1", "views": {"word": 0.5, "use": 0.7}, "n": 1, "tags": ["a"]},
        {"id": "2", "views": {"word": 0.2, "e5": 0.4}, "n": "two", "tags": []},
        {"id": "3", "views": None, "n": None, "tags": ["b", "c"]},
    ]
    path = write_table(tmp_path / "t.parquet", rows)
    assert read_table(path) == rows  # views' keys differ by row, n's types: both as JSON
    meta = pq.read_schema(path).metadata
    assert json.loads(meta[b"wiretrace.json_columns"]) == ["views", "n"]
    assert str(pq.read_schema(path).field("tags").type) == "list<element: string>"
    for name in ("t.jsonl", "t.jsonl.gz"):
        assert read_table(write_table(tmp_path / name, rows)) == rows
    back = read_table(write_table(tmp_path / "t.csv", rows), json_columns={"views", "tags"})
    assert back == [{**r, "n": None if r["n"] is None else str(r["n"])} for r in rows]
