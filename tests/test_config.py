"""Settings are checked by type and range when a Config is made, whoever makes it."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import replace

import pytest

from wiretrace.config import BOUNDS, WORKERS_PER_CORE, Config
from wiretrace.errors import ConfigError


def test_the_shipped_settings_are_valid_and_every_bound_names_a_setting():
    Config()  # does not raise
    names = {f.name for f in dataclasses.fields(Config)}
    assert set(BOUNDS) <= names


#: Values of another type, by the annotation of a setting.
WRONG = {
    "int": [1.5, "3", None, True],
    "float": ["0.5", None, True, [1]],
    "float | None": ["0.5", True],
    "bool": ["no", 1, None],
    "str": [3, None],
}


@pytest.mark.parametrize("field", dataclasses.fields(Config), ids=lambda f: f.name)
def test_every_setting_refuses_a_value_of_another_type(field):
    for value in WRONG[field.type]:
        with pytest.raises(ConfigError, match=f"^{field.name}: "):
            Config(**{field.name: value})


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"max_chars": 0}, "max_chars: 0 must be >= 1"),
        ({"story_min_match": 1.5}, "story_min_match: 1.5 must be >= 0 and <= 1"),
        ({"story_min_match": float("nan")}, "story_min_match: nan is not a number"),
        ({"lsh_doc_recall": 1.0}, "lsh_doc_recall: 1.0 must be > 0 and < 1"),
        ({"min_words": True}, "min_words: true is not a whole number"),
        ({"story_horizon_days": -1}, "story_horizon_days: -1 must be >= 0"),
        ({"encoder": "use+bert"}, "encoder: 'use+bert': no encoder named 'bert'"),
    ],
)
def test_out_of_range(settings, said):
    with pytest.raises(ConfigError) as told:
        Config.from_dict(settings)
    assert str(told.value).startswith(said)


def test_within_range_and_none_where_allowed():
    config = Config.from_dict(
        {
            "story_horizon_days": None,
            "store_wait_seconds": 0,
            "story_min_match": 1,
            "encoder": "e5+use",
        }
    )
    assert config.story_horizon_days is None and config.story_min_match == 1


def test_workers_are_bounded_by_the_machine():
    most = WORKERS_PER_CORE * (os.cpu_count() or 1)
    assert Config(workers=most).workers == most
    with pytest.raises(ConfigError, match=f"workers: {most + 1} must be >= 0 and <= {most}"):
        Config(workers=most + 1)


def test_a_replaced_setting_is_checked_too():
    with pytest.raises(ConfigError, match="chunk_size: 0 must be >= 1"):
        dataclasses.replace(Config(), chunk_size=0)


def test_a_settings_file_must_hold_an_object(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('"use"')
    with pytest.raises(ConfigError, match="a JSON object of names and values"):
        Config.read_file(path)
    path.write_text('{"workers": 1, "trace": false}')
    assert Config.read_file(path, {"workers": 2}) == Config(workers=2, trace=False)


def test_an_old_settings_file_is_told_the_threshold_was_renamed():
    with pytest.raises(ValueError, match="story_min_match"):
        Config.from_dict({"story_min_similarity": 0.48})
    with pytest.raises(ValueError, match="unknown config keys: nonsense"):
        Config.from_dict({"nonsense": 1})
    assert Config.from_dict({"story_min_match": 0.4}).story_min_match == 0.4


def test_the_scored_floor_cannot_exceed_the_story_threshold():
    with pytest.raises(ConfigError, match="story_block_min_match must be at most"):
        replace(Config(), story_block_min_match=0.9)
    with pytest.raises(ConfigError, match="story_block_min_match"):
        Config.from_dict({"story_block_neighbours": 10})
