"""``wiretrace show`` (wiretrace.report.terminal): story, original, diff and evidence."""

from __future__ import annotations

from tests.report.helpers import cleaned, relation
from wiretrace.cli import main


def test_show_prints_story_original_and_diff(demo_report, capsys):
    out, _ = demo_report
    assert main(["show", "reprint_with_chrome", "--out", str(out), "--full"]) == 0
    text = capsys.readouterr().out
    # the original, and why: the reprint holds text of another story, the wire copy does not
    assert "Original: wire_original" in text and "text of other stories" in text
    assert text.count("stitched_in") >= 3 and "from ferry_story" in text
    assert "independent report" in text
    assert main(["show", "no_such_article", "--out", str(out)]) == 1


def test_show_lists_every_relation_with_its_evidence(demo_report, capsys, monkeypatch):
    out, _ = demo_report
    rel = relation(out, "ferry_story", "reprint_with_chrome")
    text = cleaned(out)
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["show", "ferry_story", "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "Relations: 1" in shown and "partial with reprint_with_chrome" in shown
    assert f"coverage {rel['coverage_a']:.2f} here, {rel['coverage_b']:.2f} there" in shown
    rows = [line for line in shown.splitlines() if "↔" in line]
    assert len(rows) == len(rel["evidence"])  # one line an aligned passage, shortened
    for row, e in zip(rows, rel["evidence"], strict=True):
        assert len(row) <= 100 and "…" in row
        assert row.split()[0] == f"{e['a_paragraph']}↔{e['b_paragraph']}"
        assert text["ferry_story"][e["a_start"] : e["a_end"]].split()[1] in row

    monkeypatch.setenv("COLUMNS", "400")
    assert main(["show", "ferry_story", "--out", str(out), "--full"]) == 0
    shown = capsys.readouterr().out
    assert "check that the shared text is the story's" in shown  # what the evidence means
    for e in rel["evidence"]:  # whole passages, both sides
        assert " ".join(text["ferry_story"][e["a_start"] : e["a_end"]].split()) in shown
        assert " ".join(text["reprint_with_chrome"][e["b_start"] : e["b_end"]].split()) in shown

    assert main(["show", "independent_report", "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "same_story with wire_original" in shown and "views: word" in shown
    story = relation(out, "independent_report", "wire_original")
    assert story["evidence"] and f"{len(story['evidence'])} pairs" in shown
