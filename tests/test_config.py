"""Settings come in sections owned by their stages, each checked by type and range when it
is made (whoever makes it) and tagged by a digest of its fields."""

from __future__ import annotations

import dataclasses
import os

import orjson
import pytest

from wiretrace.config import (
    RENAMED,
    SECTIONS,
    WORKERS_PER_CORE,
    Config,
    RunSettings,
    StorySettings,
    TraceSettings,
)
from wiretrace.errors import ConfigError
from wiretrace.fingerprint.settings import FingerprintSettings

#: Every field of every section, as (section name, field).
FIELDS = [(name, f) for name, kind in SECTIONS.items() for f in dataclasses.fields(kind)]


def test_the_shipped_settings_are_valid_and_every_bound_names_a_field():
    Config()  # does not raise
    assert [f.name for f in dataclasses.fields(Config)] == list(SECTIONS)
    for name, kind in SECTIONS.items():
        assert name == kind.SECTION
        assert set(kind.BOUNDS) <= {f.name for f in dataclasses.fields(kind)}, name


def test_every_old_flat_name_has_a_place_in_a_section():
    places = {f"{name}.{f.name}" for name, f in FIELDS}
    assert set(RENAMED.values()) == places  # each field had a flat name; each name a field


#: Values of another type, by the annotation of a setting.
WRONG = {
    "int": [1.5, "3", None, True],
    "float": ["0.5", None, True, [1]],
    "float | None": ["0.5", True],
    "bool": ["no", 1, None],
    "str": [3, None],
}


@pytest.mark.parametrize(("section", "field"), FIELDS, ids=lambda x: getattr(x, "name", x))
def test_every_setting_refuses_a_value_of_another_type(section, field):
    for value in WRONG[field.type]:
        with pytest.raises(ConfigError, match=f"^{section}\\.{field.name}: "):
            SECTIONS[section](**{field.name: value})
        with pytest.raises(ConfigError, match=f"^{section}\\.{field.name}: "):
            Config.from_dict({section: {field.name: value}})


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"ingest": {"max_chars": 0}}, "ingest.max_chars: 0 must be >= 1"),
        ({"story": {"min_match": 1.5}}, "story.min_match: 1.5 must be >= 0 and <= 1"),
        ({"story": {"min_match": float("nan")}}, "story.min_match: nan is not a number"),
        ({"fingerprint": {"lsh_doc_recall": 1.0}}, "fingerprint.lsh_doc_recall: 1.0 must be > 0"),
        ({"ingest": {"min_words": True}}, "ingest.min_words: true is not a whole number"),
        ({"story": {"horizon_days": -1}}, "story.horizon_days: -1 must be >= 0"),
        ({"story": {"encoder": "use+bert"}}, "story.encoder: 'use+bert': no encoder named 'bert'"),
        ({"candidates": {"max_bucket": 1}}, "candidates.max_bucket: 1 must be >= 2"),
        ({"clean": {"boilerplate_min_df": 1}}, "clean.boilerplate_min_df: 1 must be >= 2"),
    ],
)
def test_out_of_range(settings, said):
    with pytest.raises(ConfigError) as told:
        Config.from_dict(settings)
    assert str(told.value).startswith(said)


def test_every_problem_of_every_section_is_told_at_once_in_one_line():
    with pytest.raises(ConfigError) as told:
        Config.from_dict(
            {
                "ingest": {"max_chars": 0},
                "story": {"window": "many", "min_match": 2},
                "run": {"chunk_size": 0},
                "nonsense": {},
                "story_min_match": 0.5,
            }
        )
    said = str(told.value)
    assert "\n" not in said
    for part in (
        "ingest.max_chars: 0 must be >= 1",
        'story.window: "many" is not a whole number',
        "story.min_match: 2 must be >= 0 and <= 1",
        "run.chunk_size: 0 must be >= 1",
        "unknown config keys: nonsense",
        "config key 'story_min_match' is now 'story.min_match'",
    ):
        assert part in said


def test_within_range_and_none_where_allowed():
    config = Config.from_dict(
        {
            "story": {"horizon_days": None, "min_match": 1, "encoder": "e5+use"},
            "run": {"store_wait_seconds": 0},
        }
    )
    assert config.story.horizon_days is None and config.story.min_match == 1
    assert config.run.store_wait_seconds == 0 and config.story.encoder == "e5+use"
    assert config.ingest == Config().ingest  # a section left out: its defaults


def test_blocking_must_score_every_pair_that_could_be_accepted():
    with pytest.raises(ConfigError, match="story.block_min_match must be at most story.min_"):
        StorySettings(min_match=0.3, block_min_match=0.4)
    assert StorySettings(min_match=0.3, block_min_match=0.3).block_min_match == 0.3


def test_workers_are_bounded_by_the_machine():
    most = WORKERS_PER_CORE * (os.cpu_count() or 1)
    assert Config(run=RunSettings(workers=most)).run.workers == most
    with pytest.raises(
        ConfigError, match=f"run.workers: {most + 1} must be >= 0 and <= {most} \\("
    ):
        RunSettings(workers=most + 1)


def test_a_replaced_setting_is_checked_too():
    config = Config()
    with pytest.raises(ConfigError, match="run.chunk_size: 0 must be >= 1"):
        dataclasses.replace(config, run=dataclasses.replace(config.run, chunk_size=0))
    with pytest.raises(ConfigError, match="story.min_match: 2 must be"):
        dataclasses.replace(config.story, min_match=2)
    with pytest.raises(ConfigError, match="^story: dict .* is not StorySettings"):
        dataclasses.replace(config, story={"min_match": 0.5})
    with pytest.raises(ConfigError, match="^trace: StorySettings.* is not TraceSettings"):
        dataclasses.replace(config, trace=config.story)
    changed = dataclasses.replace(config, story=dataclasses.replace(config.story, window=5))
    assert changed.story.window == 5 and changed.run == config.run


@pytest.mark.parametrize(("section", "field"), FIELDS, ids=lambda x: getattr(x, "name", x))
def test_a_sections_tag_changes_with_each_of_its_fields_and_no_others(section, field):
    config = Config()
    value = getattr(getattr(config, section), field.name)
    other = {
        bool: lambda v: not v,
        int: lambda v: v + 2,
        float: lambda v: v / 2,
        str: lambda v: "none" if v != "none" else "use",
        type(None): lambda v: 1.0,
    }[type(value)](value)
    changed = dataclasses.replace(
        config, **{section: dataclasses.replace(getattr(config, section), **{field.name: other})}
    )
    before, after = config.tags(), changed.tags()
    assert after[section] != before[section]
    assert {k: v for k, v in after.items() if k != section} == {
        k: v for k, v in before.items() if k != section
    }


def test_the_fingerprint_tag_is_its_sections_tag_and_the_same_digest_as_before():
    """Stores keep their fingerprints: the tag of the default settings did not change when
    the settings came in sections (a change would rebuild every stored fingerprint)."""
    config = Config()
    assert config.fingerprint.tag() == config.tags()["fingerprint"] == "9c32df7d"
    assert isinstance(config.fingerprint, FingerprintSettings)
    assert "max_bucket" not in config.fingerprint.describe()  # pairs, not fingerprints


def test_a_settings_file_of_sections(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('"use"')
    with pytest.raises(ConfigError, match="a JSON object of sections"):
        Config.read_file(path)
    path.write_text('{"run": {"workers": 1, "chunk_size": 9}, "trace": {"enabled": false}}')
    assert Config.read_file(path, {"run": {"workers": 2}}) == Config(
        run=RunSettings(workers=2, chunk_size=9), trace=TraceSettings(enabled=False)
    )
    # What a run writes in report.json reads back as the same settings.
    config = Config.read_file(path)
    path.write_bytes(orjson.dumps(config.to_dict()))
    assert Config.read_file(path) == config
    assert config.to_dict()["story"]["min_match"] == Config().story.min_match


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        # old flat settings files, as they were (written with dict() to stay as they were)
        (dict(story_min_match=0.5), "config key 'story_min_match' is now 'story.min_match'"),
        (dict(find_stories=False), "config key 'find_stories' is now 'story.enabled'"),
        (
            {"trace": False},
            "config key 'trace': the trace settings, a JSON object of names and values (not "
            "false); the old setting 'trace' is now 'trace.enabled'",
        ),
        (dict(max_bucket=10), "config key 'max_bucket' is now 'candidates.max_bucket'"),
        ({"story": {"story_window": 9}}, "config key 'story.story_window' is now 'story.window'"),
        ({"verify": {"max_bucket": 9}}, "config key 'verify.max_bucket' is now 'candidates.max_"),
        ({"story_min_similarity": 0.4}, "config key 'story_min_similarity' is now 'story.min_"),
        ({"story": {"nonsense": 1}}, "unknown config keys: story.nonsense (sections: ingest, "),
    ],
)
def test_an_old_flat_name_is_told_its_new_place_in_one_line(settings, said):
    with pytest.raises(ConfigError) as told:
        Config.from_dict(settings)
    assert str(told.value).startswith(said)
    assert "\n" not in str(told.value)
