"""The command line fails as a tool should: one line on stderr, a non-zero exit, no traceback.

Every case is a real ``python -m wiretrace.cli`` subprocess, run as a new user would run
it: 2 when the command asked for something impossible, 1 when the work failed.
"""

from __future__ import annotations

import time

import orjson
import pytest
from tests.conftest import DEMO, error_line, wiretrace


def test_a_missing_input_path_is_an_error(tmp_path):
    proc = wiretrace("run", DEMO, tmp_path / "no" / "such" / "path", "--out", tmp_path / "out")
    assert error_line(proc, 2) == f"no such file or folder: {tmp_path / 'no' / 'such' / 'path'}"
    assert not (tmp_path / "out").exists()  # nothing read, nothing written


def test_a_run_that_reads_no_record_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    proc = wiretrace("run", tmp_path / "empty", "--out", tmp_path / "out")
    assert error_line(proc, 1).startswith(f"no records in {tmp_path / 'empty'} (files ")
    assert not (tmp_path / "out" / "articles.jsonl").exists()  # no empty report


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"story_min_match": "high"}, 'story_min_match: "high" is not a number'),
        ({"max_chars": -1}, "max_chars: -1 must be >= 1"),
        ({"find_stories": "no"}, 'find_stories: "no" is not true or false'),
        ({"workers": 10000}, "workers: 10000 must be >= 0 and <= "),
        ({"encoder": "bert"}, "encoder: 'bert': no encoder named 'bert' (known: none, e5, use"),
        ({"story_min_similarity": 0.4}, "config key 'story_min_similarity' is now"),
        ({"nonsense": 1, "edit_rate": 1.0}, "unknown config keys: nonsense"),
        ([1, 2], "a JSON object of names and values"),
    ],
)
def test_a_wrong_setting_is_told_before_any_input_is_read(tmp_path, settings, said):
    config = tmp_path / "settings.json"
    config.write_bytes(orjson.dumps(settings))
    start = time.perf_counter()
    proc = wiretrace("run", DEMO, "--out", tmp_path / "out", "--config", config)
    assert said in error_line(proc, 2)
    assert time.perf_counter() - start < 30  # told at once, not after the copy engine
    assert not (tmp_path / "out").exists()


def test_every_wrong_setting_is_told_at_once(tmp_path):
    config = tmp_path / "settings.json"
    config.write_bytes(orjson.dumps({"max_chars": 0, "story_window": "many", "trace": 1}))
    line = error_line(wiretrace("run", DEMO, "--out", tmp_path, "--config", config), 2)
    assert line == (
        'max_chars: 0 must be >= 1; story_window: "many" is not a whole number; '
        "trace: 1 is not true or false"
    )


def test_a_settings_file_that_is_not_json_or_not_there(tmp_path):
    broken = tmp_path / "settings.json"
    broken.write_text('{"workers": ')
    line = error_line(wiretrace("run", DEMO, "--out", tmp_path / "o", "--config", broken), 2)
    assert line.startswith(f"settings file {broken} is not valid JSON: ")
    missing = tmp_path / "nope.json"
    line = error_line(wiretrace("query", DEMO, "--db", "x.db", "--config", missing), 2)
    assert line == f"settings file {missing}: No such file or directory"


def test_workers_on_the_command_line_are_checked_too(tmp_path):
    line = error_line(wiretrace("run", DEMO, "--out", tmp_path, "--workers", "-3"), 2)
    assert line.startswith("workers: -3 must be >= 0")


def test_serve_checks_its_settings_before_making_the_store(tmp_path):
    config = tmp_path / "settings.json"
    config.write_bytes(orjson.dumps({"encoder": "e6"}))
    db = tmp_path / "index.db"
    proc = wiretrace("serve", "--db", db, "--config", config, "--port", "0")
    assert "no encoder named 'e6'" in error_line(proc, 2)
    assert not db.exists()


def test_show_without_a_run_folder(tmp_path):
    proc = wiretrace("show", "some_id", cwd=tmp_path)  # no --out: ./out, which is not there
    assert error_line(proc, 2) == (
        "out: not the output folder of a run (no articles.jsonl, .parquet or .csv): give the "
        "folder that `wiretrace run --out` wrote"
    )


def test_show_an_id_that_is_not_in_the_outputs(tmp_path):
    out = tmp_path / "out"
    assert wiretrace("run", DEMO, "--out", out, "--no-stories", "-q").returncode == 0
    assert error_line(wiretrace("show", "nope", "--out", out), 1) == (
        f"nope: not in the outputs in {out}"
    )


def test_a_file_the_system_refuses_is_one_line(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should go")
    proc = wiretrace("run", DEMO, "--out", blocker, "--no-stories", "--no-html", "-q")
    assert error_line(proc, 1).startswith(f"{blocker}")
