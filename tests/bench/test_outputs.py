"""Comparing two runs' output folders: rows by what names them, timing fields left out."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from tests.helpers import error_line, wiretrace
from wiretrace_bench.outputs import compare, identical, main


def _write(folder: Path, files: dict[str, list[dict]], seconds: float) -> Path:
    folder.mkdir()
    for name, rows in files.items():
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = {"counts": {"relations": {"copy": 1}, "seconds": {"stories": seconds}}}
    (folder / "report.json").write_text(json.dumps(report))
    return folder


RELATIONS = [
    {"a": "x", "b": "y", "relation": "copy", "similarity": 0.9},
    {"a": "x", "b": "z", "relation": "same_story", "similarity": 0.7},
]
STORIES = [{"story": "story:x", "members": ["x", "y", "z"]}]


def test_order_and_timing_are_no_difference(tmp_path):
    old = _write(tmp_path / "old", {"relations.jsonl": RELATIONS, "stories.jsonl": STORIES}, 1.0)
    new = _write(
        tmp_path / "new", {"relations.jsonl": RELATIONS[::-1], "stories.jsonl": STORIES}, 9.0
    )
    found = compare(old, new)
    assert identical(found)
    assert found["relations.jsonl"]["same"] == 2 and found["report.json"]["same"] == 1
    with (tmp_path / "said").open("w") as out:
        assert main(old, new, Console(file=out)) == 0


def test_a_changed_field_and_a_lost_row_are_told(tmp_path):
    old = _write(tmp_path / "old", {"relations.jsonl": RELATIONS, "stories.jsonl": STORIES}, 1.0)
    changed = [RELATIONS[0] | {"similarity": 0.8}]  # and x~z lost
    new = _write(tmp_path / "new", {"relations.jsonl": changed, "stories.jsonl": []}, 1.0)
    found = compare(old, new)
    assert not identical(found)
    assert found["relations.jsonl"]["changed"] == {("x", "y"): ["similarity"]}
    assert found["relations.jsonl"]["only_old"] == [("x", "z")]
    assert found["stories.jsonl"]["only_old"] == ["story:x"]
    said = tmp_path / "said"
    with said.open("w") as out:
        assert main(old, new, Console(file=out, width=120)) == 1
    text = said.read_text()
    assert "('x', 'y') differs in similarity" in text and "the outputs differ" in text


def test_the_command_needs_both_folders(tmp_path):
    run = _write(tmp_path / "run", {"stories.jsonl": STORIES}, 1.0)
    told = error_line(wiretrace("bench", "outputs", "--out", run, cwd=tmp_path), 2)
    assert told == "bench outputs needs --against OLD_DIR and --out NEW_DIR"
    told = error_line(
        wiretrace("bench", "outputs", "--out", run, "--against", "gone", cwd=tmp_path), 2
    )
    assert told == "bench outputs: gone: no such folder"
    same = wiretrace("bench", "outputs", "--out", run, "--against", run, cwd=tmp_path)
    assert same.returncode == 0 and "identical apart from timing fields" in same.stdout


def test_hostile_ids_are_printed_as_text(tmp_path):
    hostile = "[bold red]x[/bold red]\x1b]0;owned\x07\u202e"
    old = _write(tmp_path / "old", {"stories.jsonl": [{"story": hostile, "members": []}]}, 1.0)
    new = _write(tmp_path / "new", {"stories.jsonl": []}, 1.0)
    said = tmp_path / "said"
    with said.open("w") as out:
        assert main(old, new, Console(file=out, width=200, force_terminal=True)) == 1
    text = said.read_text()
    assert "stories.jsonl: [bold red]x[/bold red] only in old" in text
    assert "owned" not in text and "\u202e" not in text and "\x07" not in text
