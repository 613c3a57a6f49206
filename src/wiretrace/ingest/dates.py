"""Publication dates in the forms inputs give them, written as ISO 8601.

Every reader (JSONL/CSV fields, HTML metadata, WARC pages, plain-text date lines, the
service's posted records through :func:`wiretrace.ingest.fields.article_from_fields`)
passes its date through :func:`date_article`, so records enter the pipeline with
``published`` in the one form :func:`wiretrace.records.timestamp` reads, and the
"published first" rule of provenance and the story horizon see every date that can be read.

What is read, the first form that reads winning:

1. **Numbers** (JSON numbers or strings of digits): eight digits that form a calendar date
   are an ISO 8601 basic date (``20211227``); any other number is epoch seconds, or epoch
   milliseconds from 10^11 up (10^11 seconds is the year 5138, and milliseconds below it are
   before 1973, so the two never meet in a plausible date; an epoch of eight digits is in
   1970-73, so reading eight digits as a date loses no real time).
2. **ISO 8601** (:meth:`datetime.fromisoformat`): with or without a time, an offset, ``Z``.
3. **RFC 2822** (:func:`email.utils.parsedate_to_datetime`: RSS ``pubDate``, HTTP and mail
   headers), when the string has its shape and a zone RFC 2822 defines (a numeric offset,
   UT/UTC/GMT/Z, or the US zones EST … PDT); ``-0000`` means "zone unknown" there.
4. **Written forms** (:func:`dateutil.parser.parse`, never fuzzy): "December 27, 2021",
   "27 December 2021", "Dec. 27, 2021 10:00 AM EST", "Monday, Dec 27, 2021", "2021/12/27",
   "12/27/2021", "27.12.2021", after a leading "Published:"/"Posted on" label is dropped.
   dateutil fills what a string lacks from a default and reads most runs of numbers as
   something, so a string is a date only if it names a year (in four digits), a month and
   a day: the string is read against two defaults that differ in every field and must give
   the same day both times ("May", "2021", "12/27" and a headline are not dates). The one
   two-digit year read is that of an all-numeric date ("7/11/16", as AllSides' sources
   write): 00-69 are 2000-2069, 70-99 are 1970-1999 (POSIX ``%y``; a fixed rule, where
   dateutil's depends on the year it runs in). "Dec 27, 21" stays unreadable: 21 may be
   the day.

Rules for what is ambiguous (documented in docs/outputs.md):

- Day and month in numbers: month first, as US outlets write ("03/04/2021" is 4 March),
  unless the first number cannot be a month ("13/04/2021" is 13 April). Numbers with dots
  ("03.04.2021") are read day first: that is how the countries that write dots write them.
- Time zone names: the US zones (EST, CST, … and ET, CT, MT, PT, which follow daylight
  saving time on the date read), UTC/GMT/Z, and a few unambiguous others (CET, BST, JST, …:
  :data:`ZONES`). A name that is not known, or means several zones (IST, AST), makes the
  date unreadable: guessing would move the time by hours. "GMT+3" and "UTC+03:00" are three
  hours east of UTC (how news writes them; dateutil reads them POSIX-style, westwards).
- A time with no zone is kept without one (``2021-12-27T10:00:00``); wiretrace compares it
  as UTC.
- What is written is as precise as what was given: a date alone as a date
  (``2021-12-27``), a time to the minute to the minute (``2021-12-27T10:00-05:00``), a
  time with seconds (or an epoch number) to the second. Provenance reads that precision
  (:func:`wiretrace.trace.original.time_span`: a date alone spans its day), so a reader
  must not invent seconds or midnights the source never gave.
- A date before 1990 is not a publication date: it is epoch 0 or another default a CMS
  writes, or a date in the story rather than of it, and as the earliest version it would
  decide every "published first" in its family. It is unreadable (kept in the note).
- A date more than a day after the run's clock is kept, with a note: a clock set wrong, an
  embargo, or a scheduled post, which the reader should see.
- A date that cannot be read is kept as given in a note (``unreadable date: …``), counted
  in report.json, and the article is undated. It is never skipped.

A record that gives no date at all may carry one in its URL path (``/2021/12/27/``,
``/2021-12-27-``): it is used, as a date with no time, with a note saying where it came from.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from email.utils import parsedate_to_datetime
from functools import cache
from itertools import islice

from wiretrace.records import Article

#: How each note on a date begins (the text before its colon), and the key report.json's
#: ``accounting.dates`` counts it under.
UNREADABLE_DATE = "unreadable date"
FUTURE_DATE = "date in the future"
URL_DATE = "date from the URL"
DATE_NOTES = {"unreadable": UNREADABLE_DATE, "in_the_future": FUTURE_DATE, "from_url": URL_DATE}

#: Dates before this are not taken for publication dates (see the module's rules).
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
#: How far past the run's clock a date may be before it is noted as in the future.
FUTURE_SLACK = timedelta(days=1)
#: From here up, an epoch number is in milliseconds.
EPOCH_MILLISECONDS = 10**11
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_HOUR = 3600
#: Zone names read in written dates, as UTC offsets in seconds or IANA zones (those follow
#: daylight saving time on the date read). Only names with one meaning in English news.
ZONES: dict[str, int | str] = {
    "UTC": 0,
    "UT": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5 * _HOUR,
    "EDT": -4 * _HOUR,
    "CST": -6 * _HOUR,
    "CDT": -5 * _HOUR,
    "MST": -7 * _HOUR,
    "MDT": -6 * _HOUR,
    "PST": -8 * _HOUR,
    "PDT": -7 * _HOUR,
    "AKST": -9 * _HOUR,
    "AKDT": -8 * _HOUR,
    "HST": -10 * _HOUR,
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
    "WET": 0,
    "WEST": 1 * _HOUR,
    "BST": 1 * _HOUR,
    "CET": 1 * _HOUR,
    "CEST": 2 * _HOUR,
    "EET": 2 * _HOUR,
    "EEST": 3 * _HOUR,
    "MSK": 3 * _HOUR,
    "HKT": 8 * _HOUR,
    "SGT": 8 * _HOUR,
    "JST": 9 * _HOUR,
    "KST": 9 * _HOUR,
    "AEST": 10 * _HOUR,
    "AEDT": 11 * _HOUR,
    "NZST": 12 * _HOUR,
    "NZDT": 13 * _HOUR,
}

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_RFC2822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?P<seconds>:\d{2})?\s+"
    r"(?:[+-]\d{4}|UTC?|GMT|Z|[ECMP][SD]T)"
)
#: An ISO time with seconds (extended ``10:00:00`` or basic ``100000``).
_ISO_SECONDS = re.compile(r"[T ]\d{2}(:?)\d{2}\1\d{2}")
_LABEL = re.compile(
    r"^(?:(?:first\s+)?published|posted|dated?)\b(?:\s+(?:on|at)\b)?\s*[:\-–—]?\s*", re.I
)
_OFFSET_AFTER_UTC = re.compile(r"\b(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?\b")
_DAY_FIRST = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}\b")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_SHORT_YEAR = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{2})(?![\d/.-])")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})([/-])(\d{1,2})\2(\d{1,2})(?=[/\-_.]|$)")
#: Two defaults that differ in every field down to the second: a field a string does not
#: give comes out different from the two (the first, all zeros, is the one kept).
_DEFAULTS = (datetime(2001, 1, 1, 0, 0, 0), datetime(2002, 2, 2, 1, 1, 1))
#: :meth:`datetime.isoformat` timespecs: to the second (and any fraction given), to the minute.
_SECONDS, _MINUTES = "auto", "minutes"
#: A plain-text date line is one of the first few lines and short.
_DATE_LINE_LINES = 5
_DATE_LINE_CHARS = 60


@dataclass(frozen=True, slots=True)
class DateReading:
    """What a given date was read as: ``published`` in ISO 8601 (None when undated) and a
    note for the article when there is something to say (unreadable, in the future)."""

    published: str | None
    note: str | None = None


class _Unreadable(Exception):
    """Why a string is not a date (the reason goes into the note)."""


def read_date(value: object, now: datetime | None = None) -> DateReading:
    """``value`` (a date field, a metadata string, a number) read as ISO 8601.

    ``now`` is the run's clock for the future-date note (the current time if None).
    """
    if not given(value):
        return DateReading(None)
    try:
        moment, timespec = _moment(value)
        if _utc(moment) < EARLIEST:
            raise _Unreadable("before 1990: a default or a date in the story, not of it")
    except _Unreadable as why:
        return DateReading(None, f"{UNREADABLE_DATE}: {value!r} ({why}); the article is undated")
    if isinstance(moment, datetime):
        published = moment.isoformat(timespec=timespec)
    else:
        published = moment.isoformat()
    clock = now or datetime.now(UTC)
    if _utc(moment) > clock + FUTURE_SLACK:
        note = f"{FUTURE_DATE}: {published} is after the run's clock ({clock:%Y-%m-%d}); kept"
        return DateReading(published, note)
    return DateReading(published)


def given(value: object) -> bool:
    """Whether a date field holds anything (None, "" and blanks are no date at all)."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def date_in_url(url: str | None, now: datetime | None = None) -> str | None:
    """The publication date written in a URL path (``/2021/12/27/``), as an ISO date, or
    None. Only a date that would be read as a publication date counts (not before 1990, not
    in the future): digits in a path may be something else."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    for m in _URL_DATE.finditer(path):
        try:
            found = date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        except ValueError:
            continue
        reading = read_date(found.isoformat(), now)
        if reading.published and reading.note is None:
            return reading.published
    return None


def date_line(text: str, now: datetime | None = None) -> str | None:
    """The date line of a plain-text article, as given: one of its first lines that reads,
    whole, as a date ("December 27, 2021", "Published: Mon, 27 Dec 2021 10:00 GMT"), or
    None. A line that does not read is text, not an unreadable date."""
    lines = (line.strip() for line in text.splitlines())
    for line in islice((line for line in lines if line), _DATE_LINE_LINES):
        if len(line) > _DATE_LINE_CHARS or _NUMBER.fullmatch(line):
            continue  # a number alone in a text is a figure, not its date
        if read_date(line, now).published is not None:
            return line
    return None


def is_date(value: object) -> bool:
    """Whether ``value`` reads as a publication date (see :func:`read_date`)."""
    return read_date(value).published is not None


def date_article(article: Article, value: object, now: datetime | None = None) -> Article:
    """``article`` with ``published`` read from ``value`` (a date field or the page's
    metadata) as ISO 8601, or, when no date is given at all, from a date in its URL path.
    What could not be read, or is doubtful, goes into its notes: the article is returned
    dated or undated, never skipped. A given date that cannot be read leaves it undated even
    if its URL has one: the record's own field is what it says, and the note shows it."""
    if given(value):
        reading = read_date(value, now)
    else:
        from_url = date_in_url(article.url, now)
        reading = DateReading(from_url, f"{URL_DATE}: {article.url}" if from_url else None)
    article.published = reading.published
    if reading.note:
        article.notes.append(reading.note)
    return article


def _moment(value: object) -> tuple[datetime | date, str]:
    """The date or time ``value`` says, and the precision to write it at (an isoformat
    timespec: to the second, or to the minute when no seconds were given); raises
    :class:`_Unreadable` with the reason."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Unreadable(f"a {type(value).__name__}, not a date")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Unreadable("not a finite number")
    text = value.strip() if isinstance(value, str) else str(value)
    if isinstance(value, float):
        text = format(value, "f")  # str() would write 1e+20
    if _NUMBER.fullmatch(text):
        return _number(text), _SECONDS
    try:
        return date.fromisoformat(text), _SECONDS
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text), _SECONDS if _ISO_SECONDS.search(text) else _MINUTES
    except ValueError:
        pass
    if rfc := _RFC2822.fullmatch(text):
        try:
            return parsedate_to_datetime(text), _SECONDS if rfc["seconds"] else _MINUTES
        except (ValueError, TypeError):
            pass
    return _written(text)


def _utc(moment: datetime | date) -> datetime:
    """``moment`` as an aware time (a date is its midnight, a time with no zone is UTC: as
    :func:`wiretrace.records.timestamp` counts them)."""
    if not isinstance(moment, datetime):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _number(text: str) -> datetime | date:
    """Digits: an ISO basic date (eight digits that form one), else epoch (milli)seconds,
    counted exactly (in decimal: a float would round milliseconds)."""
    if len(text) == 8 and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    seconds = Decimal(text)
    if abs(seconds) >= EPOCH_MILLISECONDS:
        seconds /= 1000
    whole = int(seconds)
    try:
        moment = _EPOCH + timedelta(seconds=whole, microseconds=int((seconds - whole) * 1_000_000))
    except OverflowError as exc:
        raise _Unreadable("a number out of the range of epoch times") from exc
    if moment < EARLIEST:
        raise _Unreadable(f"a number, not a date: as epoch time it is {moment:%Y-%m-%d}")
    return moment


def _written(text: str) -> tuple[datetime | date, str]:
    """A written date ("Dec. 27, 2021 10:00 AM EST"), by dateutil, never fuzzy."""
    from dateutil.parser import ParserError, parse

    text = _OFFSET_AFTER_UTC.sub(lambda m: f"{m[1]}{int(m[2]):02d}{m[3] or '00'}", text)
    text = _LABEL.sub("", text, count=1)
    text = _SHORT_YEAR.sub(_four_digit_year, text, count=1)
    years = {int(y) for y in _YEAR.findall(text)}
    if not years:
        raise _Unreadable("no four-digit year")
    dayfirst = bool(_DAY_FIRST.match(text))
    try:
        a, b = (
            parse(text, default=d, dayfirst=dayfirst, tzinfos=_zone, fuzzy=False) for d in _DEFAULTS
        )
    except (ParserError, ValueError, OverflowError) as exc:
        raise _Unreadable("not a date") from exc
    if a.date() != b.date() or a.year not in years:
        raise _Unreadable("not a whole date: it needs a year, a month and a day")
    if a.hour != b.hour:
        return a.date(), _SECONDS
    return a, _SECONDS if a.second == b.second else _MINUTES


def _four_digit_year(m: re.Match) -> str:
    """An all-numeric date's two-digit year in four digits (POSIX ``%y``: 69 is 2069)."""
    year = int(m[4])
    return f"{m[1]}{m[2]}{m[3]}{m[2]}{year + (2000 if year < 70 else 1900)}"


def _zone(name: str | None, offset: int | None) -> tzinfo | None:
    """The zone dateutil found (``tzinfos`` callback), from :data:`ZONES` only: dateutil
    would otherwise read the machine's own zone names as its local time."""
    if name is None:
        return None if offset is None else timezone(timedelta(seconds=offset))
    zone = ZONES.get(name.upper())
    if zone is None:
        raise _Unreadable(f"time zone {name!r} is not one wiretrace knows")
    if offset not in (None, 0) and zone != 0:
        raise _Unreadable(f"time zone {name!r} with an offset after it")
    if isinstance(zone, str):
        return _iana(zone)
    return UTC if zone == 0 else timezone(timedelta(seconds=zone))


@cache
def _iana(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError as exc:  # no time zone database on this machine
        raise _Unreadable(f"time zone {name} needs the tz database") from exc
