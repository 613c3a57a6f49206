"""How deeply a page's elements nest, from its raw bytes, before anything parses it.

resiliparse's main-text extraction spends time on each element in proportion to its depth:
its cost follows the sum, over elements, of their depth, so one deep stack is quadratic.
``wiretrace bench inputs`` (``extract_plain_text(main_content=True)``, CPU seconds): 4,000
nested ``<div>`` 0.28 s, 8,000 1.08 s, 16,000 4.8 s, and the same 16,000 as 32 stacks of
500 levels 0.17 s; parsing stays at a few milliseconds. So a page is refused above
:data:`MAX_HTML_DEPTH` levels, the depth at which browsers stop nesting (Blink and WebKit
build no deeper than 512 levels and put what comes below beside it), which no page meant
to be read needs; under it the extraction's cost grows linearly with the page's size.

The depth is counted on the raw bytes (:func:`nesting_depth`): start tags add a level and
end tags take one off, except for elements that add none a parser would build (void
elements, those whose end tag may be left out, which close when a sibling opens, and ``a``,
which a new ``a`` closes). Comments and the text of ``script``/``style``-like elements are
passed over whole. It is an estimate from above (stray start tags count), read in one
linear pass: on a 5.9 kB news page it takes 0.033 ms, beside 0.113 ms for parsing and
extracting the text (``wiretrace bench inputs``).
"""

from __future__ import annotations

import re

#: Pages whose elements nest deeper than this are not parsed (see the module's text).
MAX_HTML_DEPTH = 512

_FLAT = frozenset(
    b"area base br col embed hr img input link meta param source track wbr keygen "
    b"p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp "
    b"html head body a".split()
)
_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9-]*)")
#: What is passed over whole: a comment, or an element whose content is not markup.
_OPAQUE = re.compile(rb"<!--|<(script|style|textarea|xmp|noscript|template)\b", re.I)
_END_TAGS: dict[bytes, re.Pattern[bytes]] = {}
#: Tags are listed a window at a time, so the list stays small on a 20 MB page.
_WINDOW = 2**18


def nesting_depth(raw: bytes, cap: int = MAX_HTML_DEPTH) -> int:
    """The deepest nesting of elements in ``raw`` (an estimate from above), or, as soon as
    it is over ``cap``, the first depth over it."""
    depth = deepest = pos = 0
    size = len(raw)
    while pos < size:
        opaque = _OPAQUE.search(raw, pos)
        stop = opaque.start() if opaque else size
        while pos < stop:
            end = stop if stop - pos <= _WINDOW else raw.rfind(b"<", pos + 1, pos + _WINDOW)
            end = end if end > pos else min(stop, pos + _WINDOW)
            for close, name in _TAG.findall(raw, pos, end):
                name = name.lower()
                if name in _FLAT:
                    continue
                if close:
                    depth = depth - 1 if depth else 0
                    continue
                depth += 1
                if depth > deepest:
                    deepest = depth
                    if deepest > cap:
                        return deepest
            pos = end
        if opaque is None:
            break
        pos = _past(raw, opaque, size)
    return deepest


def _past(raw: bytes, opaque: re.Match[bytes], size: int) -> int:
    """Where the comment or element that starts at ``opaque`` ends (the page's end when it
    is never closed: one search from here, so the pass stays linear)."""
    if opaque[1] is None:
        end = raw.find(b"-->", opaque.end())
        return size if end < 0 else end + 3
    name = opaque[1].lower()
    if name not in _END_TAGS:
        _END_TAGS[name] = re.compile(rb"</" + name + rb"\s*>", re.I)
    found = _END_TAGS[name].search(raw, opaque.end())
    return size if found is None else found.end()
