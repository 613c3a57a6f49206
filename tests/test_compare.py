"""``wiretrace compare``: one answer per input line, relation and same-story similarity."""

import subprocess
import sys

import orjson

from wiretrace.compare import compare_pairs


def _article(demo_dir, name):
    text = (demo_dir / f"{name}.txt").read_text()
    title, _, body = text.partition("\n\n")
    return {"id": name, "title": title, "text": body}


def test_relations_and_similarity_order(demo_dir):
    wire = _article(demo_dir, "wire_original")
    lines = [
        {"id": "copy", "a": wire, "b": _article(demo_dir, "reprint_with_chrome")},
        {"id": "story", "a": wire, "b": _article(demo_dir, "independent_report")},
        {"id": "other", "a": wire, "b": _article(demo_dir, "unrelated_story")},
        {"id": "same", "a": wire, "b": dict(wire)},
    ]
    answers = {a["id"]: a for a in compare_pairs(lines)}
    assert answers["copy"]["relation"] in ("copy", "partial")
    assert answers["same"]["relation"] == "duplicate"
    assert answers["other"]["relation"] == "unrelated"
    sims = {k: a["similarity"] for k, a in answers.items()}
    assert all(0.0 <= s <= 1.0 for s in sims.values())
    assert sims["same"] >= sims["copy"] > sims["story"] > sims["other"]


def test_bad_lines_get_an_error_answer(demo_dir):
    wire = _article(demo_dir, "wire_original")
    lines = [
        b'{"id": 1, "a": ',
        orjson.dumps({"id": 2, "a": wire, "b": {"text": ""}}),
        orjson.dumps({"id": 3, "a": wire, "b": wire}),
    ]
    answers = list(compare_pairs(lines))
    assert len(answers) == 3
    assert answers[0]["error"].startswith("malformed JSON")
    assert answers[1] == {"id": 2, "error": "b: empty 'text'"}
    assert answers[2]["relation"] == "duplicate"


def test_cli_compare(demo_dir, tmp_path):
    wire = _article(demo_dir, "wire_original")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_bytes(orjson.dumps({"id": "x", "a": wire, "b": wire}) + b"\n")
    out = tmp_path / "answers.jsonl"
    subprocess.run(
        [sys.executable, "-m", "wiretrace.cli", "compare", str(pairs), "--out", str(out)],
        check=True,
    )
    answer = orjson.loads(out.read_bytes())
    assert answer["id"] == "x" and answer["relation"] == "duplicate" and answer["similarity"] == 1.0
