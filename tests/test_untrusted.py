"""Text from the articles reaches the terminal as plain, printable text.

Escape sequences (ANSI colours, OSC window titles and hyperlinks), control characters and
bidi controls in ids, titles, sources, file names and texts are removed; rich markup in
them is shown, not obeyed. ``show``, the run's summary and ``query`` run as real
subprocesses on articles carrying all of it.
"""

from __future__ import annotations

import orjson
import pytest

from tests.helpers import wiretrace
from wiretrace.untrusted import printable

ESC = "\x1b"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain title", "plain title"),
        (f"{ESC}[31mred{ESC}[0m text", "red text"),
        (f"{ESC}]8;;https://elsewhere.example{ESC}\\click{ESC}]8;;{ESC}\\", "click"),
        (f"title{ESC}]0;new window title\x07", "title"),
        (f"cut{ESC}]0;unterminated", "cut"),
        ("\x9b31m8-bit CSI\x9dOSC\x9c", "8-bit CSI"),
        (f"{ESC}c{ESC}(Breset", "reset"),
        (f"bidi {RLO}txt.exe\u2066x\u2069\u200f", "bidi txt.exex"),
        ("bell\x07 back\x08space nul\x00 del\x7f", "bell backspace nul del"),
        ("two\nlines\r\tand\u2028more", "two lines  and more"),
        ("کتاب\u200cها 👩\u200d💻 café", "کتاب\u200cها 👩\u200d💻 café"),  # joiners are text
        ("x[/x] [bold]not bold[/bold]", "x[/x] [bold]not bold[/bold]"),  # markup: not ours
    ],
)
def test_printable(raw, shown):
    assert printable(raw) == shown


EVIL = {
    "id": "x[/x]",
    "title": f"{ESC}[2J{ESC}]0;pwned\x07Council {ESC}[31mapproves{ESC}[0m budget {RLO}fdp.exe",
    "source": f"Gazette{ESC}]8;;https://elsewhere.example\x07",
    "published": "2024-05-02",
}
BODY = " ".join(
    f"The council approved the new budget for schools and roads on day {i} of the session."
    for i in range(12)
)


@pytest.fixture(scope="module")
def evil_run(tmp_path_factory):
    """A run over articles whose id, title and source carry escapes, bidi controls and
    markup (a reprint of each other, so that they share a family and a story), and a file
    whose name carries an escape."""
    root = tmp_path_factory.mktemp("evil")
    (root / "in").mkdir()
    rows = [
        {**EVIL, "text": BODY},
        {"id": "[red]y", "title": "[bold]Reprint[/bold]", "text": BODY + " One more line."},
    ]
    (root / "in" / "news.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    (root / "in" / f"notes{ESC}[31m.md").write_text("not an article")
    config = root / "fast.json"
    config.write_bytes(orjson.dumps({"story": {"encoder": "none"}, "run": {"workers": 1}}))
    out = root / "out"
    proc = wiretrace("run", root / "in", "--out", out, "--config", config)
    return root, config, out, proc


def _clean(text: str) -> None:
    assert ESC not in text and "\x07" not in text and RLO not in text
    assert "Traceback" not in text


def test_the_run_summary_shows_ids_as_they_are_named(evil_run):
    *_, proc = evil_run
    assert proc.returncode == 0, proc.stderr
    _clean(proc.stderr)
    assert "family:[red]y" in proc.stderr or "family:x[/x]" in proc.stderr
    assert "[red]y, x[/x]" in proc.stderr or "x[/x], [red]y" in proc.stderr


def test_show_prints_untrusted_fields_as_plain_text(evil_run):
    _, _, out, _ = evil_run
    proc = wiretrace("show", "x[/x]", "--out", out, "--full")
    assert proc.returncode == 0, proc.stderr
    _clean(proc.stdout + proc.stderr)
    lines = proc.stdout.splitlines()
    assert lines[0] == "Council approves budget fdp.exe"
    assert lines[1] == "x[/x] · Gazette · 2024-05-02"
    assert any(line.strip().startswith("[red]y") for line in lines)
    assert "[bold]Reprint[/bold]" in proc.stdout


def test_query_prints_skipped_file_names_as_plain_text(evil_run, tmp_path):
    root, config, _, _ = evil_run
    db = tmp_path / "index.db"
    assert wiretrace("run", root / "in", "--out", tmp_path / "o", "--db", db, "-q").returncode == 0
    proc = wiretrace("query", root / "in", "--db", db, "--config", config)
    assert proc.returncode == 0, proc.stderr
    _clean(proc.stderr)
    assert f"  {root / 'in' / 'notes.md'}: unsupported file type (.md)\n" in proc.stderr


def test_diff_prints_both_articles_as_plain_text(evil_run, tmp_path):
    _, config, _, _ = evil_run
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_bytes(orjson.dumps({**EVIL, "text": BODY}) + b"\n")
    b.write_bytes(orjson.dumps({"id": "[red]y", "title": "Reprint", "text": BODY}) + b"\n")
    proc = wiretrace("diff", a, b, "--config", config, env={"COLUMNS": "300"})
    assert proc.returncode == 0, proc.stderr
    _clean(proc.stdout + proc.stderr)
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("A: x[/x]  Council approves budget fdp.exe · Gazette · ")
    assert lines[1].startswith("B: [red]y  Reprint · ")
    assert "x[/x]" in proc.stdout.split("A is on the left")[1]  # the evidence's column heading
