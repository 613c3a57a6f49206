"""The fingerprint settings' stored tag: changed by every fingerprint setting, only by them."""

from dataclasses import fields, replace

import pytest

from wiretrace.config import SECTIONS, Config
from wiretrace.fingerprint import (
    FingerprintSettings,
)

FINGERPRINT_FIELDS = [f.name for f in fields(FingerprintSettings)]


def _another(value):
    """A valid setting other than ``value``."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value / 2
    if value is None:
        return 1.0
    return "none" if value != "none" else "use"


@pytest.mark.parametrize("name", FINGERPRINT_FIELDS)
def test_changing_any_fingerprint_setting_changes_the_stored_tag(name):
    settings = Config().fingerprint
    changed = replace(settings, **{name: _another(getattr(settings, name))})
    assert changed.tag() != settings.tag()


def test_no_other_setting_changes_the_stored_tag():
    config = Config()
    tag = config.fingerprint.tag()
    others = [
        (section, f.name)
        for section, kind in SECTIONS.items()
        if section != "fingerprint"
        for f in fields(kind)
    ]
    assert len(others) > 30
    for section, name in others:
        settings = getattr(config, section)
        changed = replace(settings, **{name: _another(getattr(settings, name))})
        assert replace(config, **{section: changed}).fingerprint.tag() == tag, name


def test_the_tag_of_the_shipped_settings_holds():
    """Every store's fingerprints were made under this tag: changing it (a field added to
    FingerprintSettings, a default changed, ALGORITHM_VERSION bumped) has every store
    fingerprint its articles again on its next run. Say so in CHANGELOG.md, then update."""
    assert Config().fingerprint.tag() == "9c32df7d"
