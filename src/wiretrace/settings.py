"""What every stage's settings have in common: checked when made, and a tag.

Each stage owns one frozen dataclass of its settings (a *section*: ``IngestSettings`` in
wiretrace.ingest.settings, ``StorySettings`` in wiretrace.story.settings, ...), derived
from :class:`Settings`, which gives it

- its checks: every field by the type of its annotation and a range (:class:`Bounds`),
  the moment the section exists, whoever made it (a settings file, the command line,
  ``wiretrace serve``, Python, ``dataclasses.replace``): unchecked, a mistyped threshold
  surfaces as a traceback from deep inside a later stage, after the copy engine has run,
  and a negative size quietly empties every article;
- its tag: a digest of all its fields, for data stored under a stage's settings (the
  fingerprints' tag is the fingerprint section's), so that a field is in the tag without
  anyone listing it.

:class:`wiretrace.config.Config` composes the sections; this module imports none of them,
so that a stage can import its own section without the configuration of the others.
Also here: :class:`RunSettings`, how a run goes about its work, which no stage owns.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import asdict, dataclass, fields
from typing import ClassVar, NamedTuple

import orjson

from wiretrace.errors import ConfigError


class Bounds(NamedTuple):
    """The values a number setting may take: ``low`` to ``high`` (None: unbounded); an open
    end excludes its bound."""

    low: float | None = 0
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def __str__(self) -> str:
        low = "" if self.low is None else f"{'>' if self.low_open else '>='} {self.low:g}"
        high = "" if self.high is None else f"{'<' if self.high_open else '<='} {self.high:g}"
        return " and ".join(x for x in (low, high) if x)

    def holds(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or (value < self.high if self.high_open else value <= self.high)


#: Bounds of an int setting not in its section's ``BOUNDS``: a count, at least 0.
COUNT = Bounds(0)
#: Bounds of a float setting not in its section's ``BOUNDS``: a share, similarity or rate,
#: in [0, 1].
SHARE = Bounds(0, 1)


def settings_tag(description: str) -> str:
    """Short tag (8 hex digits) of a description of settings: the one digest every section's
    :meth:`Settings.tag` is (stored fingerprints carry it: changing it rebuilds them all)."""
    return hashlib.blake2b(description.encode(), digest_size=4).hexdigest()


class Settings:
    """Base of a stage's settings section (a frozen dataclass): checks and a tag."""

    __slots__ = ()

    #: The section's name in :class:`~wiretrace.config.Config` and in a settings file.
    SECTION: ClassVar[str] = ""
    #: Fields whose range is not the default of their type (:data:`COUNT`, :data:`SHARE`).
    BOUNDS: ClassVar[dict[str, Bounds]] = {}

    def __post_init__(self) -> None:
        """All the section's problems told at once, in one line."""
        problems = self.problems()
        if problems:
            raise ConfigError("; ".join(problems))

    def problems(self) -> list[str]:
        """What is wrong with the fields, each named as in a settings file
        (``story.min_match``); empty when nothing is."""
        return [
            p
            for f in fields(self)  # type: ignore[arg-type]  # a dataclass, as every section
            if (p := self.field_problem(f.name, str(f.type), getattr(self, f.name)))
        ]

    def field_problem(self, name: str, kind: str, value: object) -> str | None:
        """What is wrong with ``value`` for the field ``name`` of annotation ``kind``, or
        None (a section with a check of its own extends this)."""
        return value_problem(self.qualified(name), kind, value, self.BOUNDS.get(name))

    @classmethod
    def qualified(cls, name: str) -> str:
        """A field's name as a settings file writes it: ``story.min_match``."""
        return f"{cls.SECTION}.{name}"

    def describe(self, **extra: object) -> str:
        """Every field (and ``extra``), readable and in a fixed order: the tag's input."""
        settings = {**extra, **asdict(self)}  # type: ignore[call-overload]
        return orjson.dumps(settings, option=orjson.OPT_SORT_KEYS).decode()

    def tag(self) -> str:
        """Digest of every field: data made under these settings can be told from data made
        under others."""
        return settings_tag(self.describe())


def value_problem(name: str, kind: str, value: object, bounds: Bounds | None = None) -> str | None:
    """What is wrong with ``value`` for the setting ``name`` of type ``kind`` (the field's
    annotation text), or None. Numbers must be within ``bounds``, by default :data:`COUNT`
    for an int, :data:`SHARE` for a float."""
    if kind.endswith(" | None"):
        if value is None:
            return None
        kind = kind.removesuffix(" | None")
    shown = repr(value) if isinstance(value, float) else json.dumps(value, default=repr)
    if kind == "bool":
        return None if isinstance(value, bool) else f"{name}: {shown} is not true or false"
    if kind == "str":
        return None if isinstance(value, str) else f"{name}: {shown} is not a string"
    if kind not in ("int", "float"):  # a new kind of setting needs its check written here
        raise TypeError(f"no check for a setting of type {kind} ({name})")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{name}: {shown} is not {'a whole number' if kind == 'int' else 'a number'}"
    if kind == "int" and not isinstance(value, int):
        return f"{name}: {shown} is not a whole number"
    if kind == "float" and not math.isfinite(value):
        return f"{name}: {shown} is not a number"
    bounds = bounds or (COUNT if kind == "int" else SHARE)
    return None if bounds.holds(value) else f"{name}: {shown} must be {bounds}"


#: Worker processes a run may ask for, per core of the machine: more only adds memory and
#: forks (each worker holds a copy of its chunk), and a typo (10000) forks thousands.
WORKERS_PER_CORE = 4


@dataclass(frozen=True, slots=True)
class RunSettings(Settings):
    """How a run goes about its work: the same outputs whatever they are."""

    SECTION = "run"
    BOUNDS = {"chunk_size": Bounds(1), "store_wait_seconds": Bounds(0)}

    #: Worker processes for cleaning and fingerprinting (0 = all cores).
    workers: int = 0
    #: Articles handed to a worker at a time.
    chunk_size: int = 500
    #: Seconds a run with ``--db`` waits for another run writing the same store to finish
    #: (``wiretrace run --wait``); ``null``: as long as it takes (see wiretrace.storelock).
    store_wait_seconds: float | None = None

    def field_problem(self, name: str, kind: str, value: object) -> str | None:
        if name != "workers":
            return Settings.field_problem(self, name, kind, value)
        bounds = Bounds(0, WORKERS_PER_CORE * (os.cpu_count() or 1))
        problem = value_problem(self.qualified(name), kind, value, bounds)
        if problem and problem.endswith(f"must be {bounds}"):
            problem += f" ({WORKERS_PER_CORE} per core of this machine; 0 = all cores)"
        return problem
