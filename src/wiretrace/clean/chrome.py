"""Site chrome: lines a web page wraps around a story that are not the story.

Each rule is a regular expression over one whole line and the reason reported
when it removes that line. The rules catch the chrome every news site has
(ads, share and comment prompts, newsletter and app prompts, copyright lines,
link lines); what a single site repeats is learned from the corpus by
:mod:`wiretrace.clean.boilerplate`.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE


class _Contains:
    """Any of some phrases anywhere in a line of at most ``max_len`` characters.

    Substring tests on the lower-cased line: ten times cheaper than ``^.{0,N}word``
    patterns, which backtrack on every long paragraph (see :func:`chrome_reason`).
    """

    def __init__(self, phrases: tuple[str, ...], max_len: int):
        self.phrases = phrases
        self.max_len = max_len


#: Wire services whose name on a line of its own (or in a byline) marks the byline.
WIRE_SERVICES = (
    "associated press",
    "the associated press",
    "ap",
    "reuters",
    "afp",
    "agence france-presse",
    "agence france presse",
    "bloomberg",
    "press association",
    "pa",
    "upi",
    "dpa",
    "efe",
    "ansa",
    "xinhua",
    "tass",
    "kyodo",
)

_WIRE = "|".join(re.escape(w) for w in sorted(WIRE_SERVICES, key=len, reverse=True))

BYLINE = re.compile(
    rf"^(?:by\s+\S.{{0,80}}|(?:{_WIRE})(?:\s+(?:reporter|writer|staff))?|"
    rf"[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){{0,3}},?\s+(?:{_WIRE}))\.?$",
    _I,
)
WIRE_LINE = re.compile(rf"^(?:{_WIRE})\.?$", _I)

#: (reason, pattern) pairs; the first that matches a line removes it.
CHROME_RULES: list[tuple[str, re.Pattern[str] | _Contains]] = [
    (
        "advertisement",
        re.compile(r"^(?:advertisement|advertisements|advertising|sponsored(?: content)?|ad)$", _I),
    ),
    (
        "share prompt",
        re.compile(
            r"^(?:share(?: this(?: article| story| post)?)?(?: on \w+)?|tweet|email|print|"
            r"share via.*|click to share.*|copy link|facebook|twitter|whatsapp|linkedin|pinterest)"
            r"[.!:]?$",
            _I,
        ),
    ),
    (
        "comment form",
        re.compile(
            r"^(?:leave a (?:reply|comment)|post a comment|comments?|\d+ comments?|"
            r"your email address will not be published\.?(?: required fields are marked \*)?|"
            r"required fields are marked \*|join the conversation|view comments|"
            r"add a comment|show comments)[.!]?$",
            _I,
        ),
    ),
    (
        "link line",
        re.compile(
            r"^(?:(?:read more|see also|also read|read also)(?:\s*[:|\-–—»>]?\s*.{0,200})|"
            r"(?:related|related articles?|related stories|related coverage|more from .{1,40}|"
            r"you may also like|recommended(?: for you)?|most (?:popular|read)|trending(?: now)?|"
            r"don't miss|editor's picks|top stories|latest news|continue reading|"
            r"watch|listen|photos|video)(?:\s*[:|\-–—»>]\s*.{0,200}|\s*))$",
            _I,
        ),
    ),
    (
        "newsletter prompt",
        re.compile(
            r"^(?:(?:subscribe|sign up|register|get|join)\b.{0,100}"
            r"\b(?:newsletters?|updates|inbox|alerts|e-?mails?)\b|"
            r"message submitting|thank you for (?:waiting|subscribing|signing up))",
            _I,
        ),
    ),
    (
        "newsletter prompt",
        _Contains(
            (
                "our newsletter",
                "your inbox",
                "email you",
                "sign up for our",
                "sign up to our",
                "subscribe to our",
            ),
            200,
        ),
    ),
    (
        "app prompt",
        _Contains(
            (
                "download our app",
                "download the app",
                "get the app",
                "google news channel",
                "follow us on",
                "follow our",
                "on our app",
                "in the app",
            ),
            200,
        ),
    ),
    ("copyright line", re.compile(r"^(?:©|\(c\)\s*\d{4}|copyright\s+(?:©|\(c\)|\d{4}))", _I)),
    ("copyright line", _Contains(("all rights reserved",), 250)),
    (
        "photo credit",
        _Contains(("©", "photo:", "photograph:", "image:", "getty images", "ap photo"), 250),
    ),
    (
        "photo credit",
        re.compile(
            r"^(?:media playback is unsupported on your device|image copyright|"
            r"image caption|media caption|photo credit|image source)",
            _I,
        ),
    ),
    (
        "navigation",
        re.compile(
            r"^(?:skip to (?:main )?content|exit mobile version|back to top|menu|search|home|"
            r"close|next|previous|loading\.{0,3}|log in|sign in|cookie.{0,120}|"
            r"we use cookies.{0,200}|accept(?: all)?(?: cookies)?)[.!]?$",
            _I,
        ),
    ),
    (
        "syndication note",
        re.compile(
            r"^\(?(?:this (?:story|article) (?:was |has |had )?(?:not )?(?:been )?edited|"
            r"this (?:story|article) has been published from a wire agency feed|"
            r"\(?with inputs from).{0,200}\)?\.?$",
            _I,
        ),
    ),
    # Where a reprint comes from: not the story's text; the provenance stage reads the
    # outlet it names from the removed line (wiretrace.trace.original.credited_outlets).
    (
        "credit line",
        re.compile(
            r"^(?:(?:this (?:article|story|piece|post|report) (?:was )?(?:originally|first) |"
            r"originally )(?:appeared|published|ran|posted) (?:on|in|at|by) [^,;]{2,60}|"
            r"(?:republished|reprinted)\b[^,;]{0,40}\b(?:from|courtesy of) [^,;]{2,60}|"
            r"(?:source|via|courtesy(?: of)?|credit)\s*[:\-–—]\s*[^;]{2,60})$",
            _I,
        ),
    ),
]

_SENTENCE_END = re.compile(r"[.!?:;\"”’)»]$")


#: No rule matches a longer line: story paragraphs skip the rules at once.
MAX_CHROME_CHARS = 300


#: The regular-expression rules as one pattern (one match call a line), group i = rule i.
_COMBINED = re.compile(
    "|".join(
        f"(?P<r{i}>{pattern.pattern})"
        for i, (_, pattern) in enumerate(CHROME_RULES)
        if isinstance(pattern, re.Pattern)
    ),
    _I,
)
_PHRASE_RULES = [(reason, rule) for reason, rule in CHROME_RULES if isinstance(rule, _Contains)]
#: Every phrase of every phrase rule: substring tests (far cheaper than one regex
#: alternation of them) tell whether any phrase rule can apply.
_ALL_PHRASES = tuple(p for _, rule in _PHRASE_RULES for p in rule.phrases)
_PHRASE_MAX_LEN = max(rule.max_len for _, rule in _PHRASE_RULES)


def chrome_reason(line: str) -> str | None:
    """Why ``line`` is site chrome, or None when it may be story text."""
    if len(line) > MAX_CHROME_CHARS:
        return None
    m = _COMBINED.match(line)
    if m and m.lastgroup is not None:
        return CHROME_RULES[int(m.lastgroup[1:])][0]
    if len(line) <= _PHRASE_MAX_LEN:
        low = line.lower()
        if any(p in low for p in _ALL_PHRASES):
            for reason, rule in _PHRASE_RULES:
                if len(line) <= rule.max_len and any(p in low for p in rule.phrases):
                    return reason
    if line.count(" ") <= 2 and not _SENTENCE_END.search(line):  # at most three words
        return "short label (no sentence)"
    return None


def is_byline(line: str) -> bool:
    return len(line) <= 120 and bool(BYLINE.match(line)) and len(line.split()) <= 14
