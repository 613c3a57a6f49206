"""``wiretrace compare``: one answer per input line, relation and same-story similarity."""

import re
import subprocess
import sys

import orjson

from wiretrace.cli import main
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


def test_answers_carry_the_evidence_with_the_passages_text(demo_dir):
    wire = _article(demo_dir, "wire_original")
    reprint = _article(demo_dir, "reprint_with_chrome")
    lines = [
        {"id": "copy", "a": wire, "b": reprint},
        {"id": "story", "a": wire, "b": _article(demo_dir, "independent_report")},
        {"id": "other", "a": wire, "b": _article(demo_dir, "unrelated_story")},
    ]
    answers = {a["id"]: a for a in compare_pairs(lines)}

    copy = answers["copy"]
    assert len(copy["evidence"]) >= 4 and copy["coverage_a"] > 0.5
    for e in copy["evidence"]:
        assert e["a_text"] and e["b_text"] and e["words"] > 0
        if e["similarity"] == 1.0:  # copied word for word (punctuation aside)
            assert re.findall(r"\w+", e["a_text"]) == re.findall(r"\w+", e["b_text"])
    # the ferry paragraphs stitched into the reprint are not the wire story's text
    assert not any("ferry" in e["b_text"].lower() for e in copy["evidence"])

    story = answers["story"]
    assert story["relation"] == "same_story" and story["evidence"]
    wire_paragraphs = [" ".join(p.split()) for p in wire["text"].split("\n\n")]
    for e in story["evidence"]:  # whole paragraphs matched by meaning
        assert " ".join(e["a_text"].split()) in wire_paragraphs
    assert {"word", "names"} <= set(story["views"])

    assert answers["other"]["relation"] == "unrelated" and answers["other"]["evidence"] == []
    assert answers["other"]["views"]["word"] < story["views"]["word"]


# -- wiretrace diff ----------------------------------------------------------------------
def _passage_lines(out: str) -> list[str]:
    """The rows of diff's side-by-side table (they start with the paragraph pair)."""
    return [line for line in out.splitlines() if "↔" in line]


def test_diff_of_two_files_in_different_formats(demo_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # passages on one line each, to be read back
    reprint = tmp_path / "reprint.jsonl"
    reprint.write_bytes(orjson.dumps({**_article(demo_dir, "reprint_with_chrome")}) + b"\n")
    ferry = demo_dir / "ferry_story.txt"
    assert main(["diff", str(ferry), str(reprint)]) == 0
    out = capsys.readouterr().out
    assert "A: ferry_story" in out and "B: reprint_with_chrome" in out
    assert "partial" in out and "compared now" in out
    rows = _passage_lines(out)
    # the two ferry paragraphs the reprint took, side by side: ferry's ¶0 is its ¶4
    assert [row.split()[0] for row in rows] == ["0↔4", "2↔5"]
    assert all(row.count("ferry") == 2 for row in rows)  # one passage each side
    assert "The ferry union called the cuts short-sighted" in rows[1]
    assert "the transport ministry" in rows[1]


def test_diff_of_two_stored_ids(demo_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    db, out = tmp_path / "index.db", tmp_path / "out"
    assert main(["run", str(demo_dir), "--db", str(db), "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    # the stored relation is (ferry_story, reprint_with_chrome): asked the other way round,
    # the passages are turned so that A is on the left
    assert main(["diff", "reprint_with_chrome", "ferry_story", "--db", str(db)]) == 0
    shown = capsys.readouterr().out
    assert "partial" in shown and "(stored; A is on the left)" in shown
    stored = [orjson.loads(x) for x in (out / "relations.jsonl").read_bytes().splitlines()]
    (rel,) = [r for r in stored if {r["a"], r["b"]} == {"ferry_story", "reprint_with_chrome"}]
    assert rel["a"] == "ferry_story"
    assert f"coverage {rel['coverage_b']:.2f} here, {rel['coverage_a']:.2f} there" in shown
    rows = _passage_lines(shown)
    assert [row.split()[0] for row in rows] == [
        f"{e['b_paragraph']}↔{e['a_paragraph']}" for e in rel["evidence"]
    ]

    assert main(["diff", "ferry_story", "unrelated_story", "--db", str(db)]) == 0
    shown = capsys.readouterr().out
    assert "unrelated" in shown and "no relation stored between them" in shown
    assert _passage_lines(shown) == []


def test_diff_refuses_what_is_not_one_article(demo_dir, tmp_path, capsys):
    two = tmp_path / "two.jsonl"
    two.write_bytes(
        b"".join(
            orjson.dumps(_article(demo_dir, name)) + b"\n"
            for name in ("wire_original", "unrelated_story")
        )
    )
    assert main(["diff", str(two), str(demo_dir / "ferry_story.txt")]) == 2
    assert "2 articles read" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["diff", str(empty), str(demo_dir / "ferry_story.txt")]) == 2
    assert "0 articles read" in capsys.readouterr().err
    db = tmp_path / "index.db"
    assert (
        main(["run", str(demo_dir), "--db", str(db), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    )
    assert main(["diff", "ferry_story", "no_such_id", "--db", str(db)]) == 2
    assert "no article no_such_id" in capsys.readouterr().err
    assert main(["diff", "ferry_story", "ferry_story", "--db", str(db)]) == 2
    assert "the same article twice" in capsys.readouterr().err
