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
PERSON_NAME = re.compile(r"^[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){1,3}$")

#: (reason, pattern) pairs; the first that matches a whole line removes it.
CHROME_RULES: list[tuple[str, re.Pattern[str]]] = [
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
            r"^(?:read more|see also|also read|read also|related|related articles?|"
            r"related stories|related coverage|more from .{1,40}|you may also like|"
            r"recommended(?: for you)?|most (?:popular|read)|trending(?: now)?|"
            r"don't miss|editor's picks|top stories|latest news|continue reading|"
            r"(?:watch|listen|photos|video)\s*:)"
            r"(?:\s*[:|\-–—]?\s*.{0,200})?$",
            _I,
        ),
    ),
    (
        "newsletter prompt",
        re.compile(
            r"^(?:(?:subscribe|sign up|register|get|join)\b.{0,100}"
            r"\b(?:newsletters?|updates|inbox|alerts|e-?mails?)\b.{0,60}|"
            r".{0,80}\b(?:our newsletters?|your inbox|email you|sign up (?:for|to) our|"
            r"subscribe to our)\b.{0,80}|"
            r"message submitting.{0,60}|thank you for (?:waiting|subscribing|signing up).{0,60})$",
            _I,
        ),
    ),
    (
        "app prompt",
        re.compile(
            r"^.{0,60}\b(?:download (?:our|the) apps?|get the app|google news channel|"
            r"follow us on|follow our|on our app|in the app)\b.{0,80}$",
            _I,
        ),
    ),
    (
        "copyright line",
        re.compile(
            r"^(?:©|\(c\)\s*\d{4}|copyright\b).{0,200}$|^.{0,120}\ball rights reserved\b.{0,80}$",
            _I,
        ),
    ),
    ("photo credit", re.compile(r"^.{0,120}(?:©|\bphoto(?:graph)?:|\bimage:|getty images).{0,80}$", _I)),
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
]

_SENTENCE_END = re.compile(r"[.!?:;\"”’)»]$")


def chrome_reason(line: str) -> str | None:
    """Why ``line`` is site chrome, or None when it may be story text."""
    for reason, pattern in CHROME_RULES:
        if pattern.match(line):
            return reason
    words = line.split()
    if len(words) <= 3 and not _SENTENCE_END.search(line):
        return "short label (no sentence)"
    return None


def is_byline(line: str) -> bool:
    return bool(BYLINE.match(line)) and len(line.split()) <= 14
