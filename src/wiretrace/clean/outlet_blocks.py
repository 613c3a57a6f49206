"""Blocks of one outlet: text an outlet puts in its own articles that is no part of their stories.

A newsletter pitch, an "about us" footer, a standing correction notice, a podcast plug: an
outlet repeats them across its articles, and two of its articles that share nothing else
came out as a partial copy on a 69-word pitch. The corpus-wide rule
(:mod:`wiretrace.clean.boilerplate`) needs a line in ``boilerplate_min_df`` (3) articles of
different stories; an outlet's own block, in a small batch or a store fed day by day, is in
two. So blocks are also learned per outlet, from as few as two of its articles.

**Outlet.** The record's ``source``; without one, the host of its URL (without "www."); case
and spacing folded. An article with neither belongs to no outlet.

**Block.** A run of consecutive paragraphs (compared by line key, as the corpus rule does)
that two articles of one outlet both hold, of at least ``outlet_block_min_words`` (12) words
in each. A run, so that a footer of short lines (a heading, a sentence, an address) counts
as one block rather than as lines each too short; a floor, because shorter recurring lines
are headings ("What did the White House say?"), bylines and stock sentences ("CNN did not
immediately respond to a request for comment.", 10 words) that two stories share by chance
or house style. They cannot make a copy relation on their own either: verification calls a
single shared block partial only from ``partial_min_block_words`` (40).

**Otherwise unrelated.** The two articles without the recurring lines they share (their
*rests*, the titles included where names are counted):

* hold less than ``boilerplate_max_story_overlap`` (0.2) of the smaller rest's shingles in
  common: they are not an edited reprint (the corpus rule's threshold);
* hold less than ``outlet_block_max_name_overlap`` (0.3) of the smaller rest's names and
  numbers (:func:`~wiretrace.story.lexical.names_and_numbers`) in common: they are not two
  reports of one story. An outlet's follow-up reuses background paragraphs of its earlier
  report ("The House is now comprised of 431 members, meaning Democrats need 217 yeas...")
  word for word while rewording the rest, so shingles alone would call the pair unrelated and
  strip story text from both; but the two name the same people, places and figures. A
  newsletter pitch sits in articles that name nothing in common but the outlet;
* and the lines they share are less than ``partial_min_coverage`` (0.5) of each article's
  words: a block is something added to an article, not most of it.

**A reprint is never a block.** Two articles of one outlet sharing most of their text fail
the last condition; an edited reprint (few of its paragraphs recur line for line, since an
edit changes the line) fails the first, its rests being one text edited; a partial reprint
of one story, with new paragraphs about the same events, fails the second.

**Learned.** A line is learned as a block of its outlet when, among the pairs of a sample of
its holders (at most :data:`~wiretrace.clean.boilerplate.SAMPLE`: the first stored ones, and
this run's in up to half of it), at least half hold it in a block and are otherwise
unrelated: two articles are enough, and a pitch that is also in two reports of one story is
still learned from the pairs across stories.

**Not one outlet's.** A line that is also in an article of another outlet, or of no known
outlet, in this run or in the store, is never an outlet's block: a wire story carried by
several outlets, a press release, a quote everyone prints. It is left to the corpus-wide
rule, which judges it across all articles. A block learned for an outlet stops applying
once its line turns up anywhere else.

**Across runs.** The store keeps every line of its articles (table ``outlet_lines``: the one
outlet holding it or none, its first holders, how many articles hold it, whether it was
learned); a run looks up only its own lines. A line held by one new and one stored article of
the outlet is judged against the stored one; a block learned before is removed without being
judged again. Stored articles keep the text they were stored with: what was learned applies
to the articles that come after.

**Limits.** A topical explainer an outlet attaches to every story of a topic is learned as
a block when two of those stories are about different events: on the first 5,000 AllSides
articles, the BBC's section on state abortion bans, in its Missouri and its Alabama story,
which name different states and lawmakers. The first holders of a block, stored before it
was learned, keep it: a later copy of one of them is compared with the block still in it,
and a short one can drop from ``copy`` to ``partial`` (``tests/test_outlet_blocks.py``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np

from wiretrace.clean.boilerplate import (
    KEY_DTYPE,
    SAMPLE,
    line_key,
    smaller_share,
    unique_shingles,
)
from wiretrace.config import Config
from wiretrace.records import CleanArticle
from wiretrace.story.lexical import names_and_numbers

#: Outlet code of a line held only by articles without an outlet.
NO_OUTLET = -1
#: Outlet code of a line held by articles of several outlets (or of one and of none).
MIXED = -2
#: Line keys in the store: the 8 key bytes read as one signed SQLite integer.
STORED_KEY = np.dtype("<i8")


def outlet_of(source: str | None, url: str | None) -> str | None:
    """The outlet an article comes from: its source, else its URL's host; None without both."""
    if source and source.strip():
        return " ".join(source.split()).casefold()
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:  # a malformed URL names no outlet; the record is kept as it is
        return None
    if not host:
        return None
    return host.removeprefix("www.")


@dataclass(slots=True)
class StoredLine:
    """What the store knows of one line (see the module doc, "Across runs")."""

    outlet: str | None  # None: held by several outlets, or by an article of none
    holders: list[str]  # the first SAMPLE article ids holding it
    articles: int
    block: bool


@dataclass
class OutletLines:
    """The lines of a batch of articles and which articles, of which outlets, hold each:
    grouped by one sort, as :func:`~wiretrace.clean.boilerplate.frequent_lines` counts
    lines (16 bytes a line, where a dict of them costs ten times that)."""

    ids: list[str]  # the articles, in batch order
    names: list[str]  # the outlets; an outlet code indexes this list
    keys: np.ndarray  # distinct line keys, KEY_DTYPE
    outlet: np.ndarray  # per line: the code of the one outlet holding it, NO_OUTLET or MIXED
    count: np.ndarray  # per line: how many articles hold it
    start: np.ndarray  # per line: where its holders begin in ``owner``
    owner: np.ndarray  # article indices, by line then article

    @classmethod
    def of(cls, articles: Iterable[tuple[str, str | None, bytes]]) -> OutletLines:
        """The batch of (id, outlet, line keys joined) of each article."""
        ids: list[str] = []
        names: dict[str, int] = {}
        codes: list[int] = []
        packed: list[bytes] = []
        for article_id, outlet, keys in articles:
            ids.append(article_id)
            codes.append(NO_OUTLET if outlet is None else names.setdefault(outlet, len(names)))
            packed.append(keys)
        lengths = np.fromiter((len(k) // KEY_DTYPE.itemsize for k in packed), np.int64, len(packed))
        flat = np.frombuffer(b"".join(packed), dtype=KEY_DTYPE)
        owner = np.repeat(np.arange(len(packed), dtype=np.int64), lengths)
        if not len(flat):  # no lines at all (every article already stored, say)
            return cls(ids, list(names), flat, owner, owner, owner, owner)
        order = np.lexsort((owner, flat))
        flat, owner = flat[order], owner[order]
        first = np.r_[True, (flat[1:] != flat[:-1]) | (owner[1:] != owner[:-1])]
        flat, owner = flat[first], owner[first]  # one row per (line, article)
        start = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
        held_by = np.asarray(codes, dtype=np.int64)[owner]
        low, high = np.minimum.reduceat(held_by, start), np.maximum.reduceat(held_by, start)
        return cls(
            ids,
            list(names),
            flat[start],
            np.where(low == high, low, MIXED),
            np.diff(np.r_[start, len(flat)]),
            start,
            owner,
        )

    def holders(self, g: int) -> list[str]:
        """The first :data:`SAMPLE` articles holding line ``g``."""
        s = int(self.start[g])
        return [self.ids[i] for i in self.owner[s : s + min(int(self.count[g]), SAMPLE)]]

    def stored_keys(self) -> list[int]:
        """The lines' keys as the store keys them (:func:`stored_key`)."""
        return self.keys.view(STORED_KEY).tolist()


@dataclass(slots=True)
class Holder:
    """What judging reads of one article holding a candidate line."""

    title: str
    paragraphs: list[str]
    keys: list[bytes]

    @classmethod
    def of(cls, article: CleanArticle, keys: list[bytes] | None = None) -> Holder:
        paragraphs = article.paragraphs
        return cls(article.title, paragraphs, keys or [line_key(p) for p in paragraphs])


@dataclass
class OutletBlocks:
    """The blocks that apply to a batch of articles, per outlet (line keys)."""

    blocks: dict[str, set[bytes]] = field(default_factory=dict)
    #: Articles of the outlet holding each of the batch's lines (the batch's and the store's).
    articles: dict[tuple[str, bytes], int] = field(default_factory=dict)
    #: The lines learned now (marked in the store at commit).
    new: set[tuple[str, bytes]] = field(default_factory=set)

    def reason(self, outlet: str, key: bytes, name: str) -> str:
        """Why a paragraph was removed (``name``: the outlet as the article gives it)."""
        n = self.articles[outlet, key]
        return f"outlet block (in {n} articles of {name} that are otherwise unrelated)"


def find_outlet_blocks(
    lines: OutletLines,
    stored: Mapping[int, StoredLine],
    fetch: Callable[[list[str]], dict[str, Holder]],
    config: Config,
    batch: int = 500,
) -> OutletBlocks:
    """The outlet blocks of a batch of articles: learned before (``stored``) or now.

    ``stored`` is what the store holds of the batch's ``lines``; ``fetch`` reads holders
    (of the batch or stored) by id. Candidates are judged ``batch`` lines at a time, so only one
    batch of holders is read at once.
    """
    found = OutletBlocks()
    candidates: dict[str, dict[bytes, list[str]]] = {}
    for g in np.flatnonzero(lines.outlet >= 0).tolist():
        key, outlet = lines.keys[g].tobytes(), lines.names[lines.outlet[g]]
        known = stored.get(stored_key(key))
        if known is not None and known.outlet != outlet:
            continue  # in an article of another outlet (or of none) too: not this outlet's
        found.articles[outlet, key] = int(lines.count[g]) + (known.articles if known else 0)
        if known is not None and known.block:
            found.blocks.setdefault(outlet, set()).add(key)
        elif found.articles[outlet, key] >= 2:
            candidates.setdefault(outlet, {})[key] = _sample(known, lines.holders(g))
    for outlet, holders_of in candidates.items():
        marked = set(holders_of) | found.blocks.get(outlet, set())
        keys = sorted(holders_of, key=lambda k: holders_of[k][0])  # a template's lines together
        for start in range(0, len(keys), batch):
            part = keys[start : start + batch]
            read = fetch(sorted({h for k in part for h in holders_of[k]}))
            verdicts: dict[tuple[str, str], set[bytes]] = {}
            for key in part:
                pairs = list(itertools.combinations(holders_of[key], 2))
                for pair in pairs:
                    if pair not in verdicts:
                        verdicts[pair] = shared_blocks(read[pair[0]], read[pair[1]], marked, config)
                if 2 * sum(key in verdicts[p] for p in pairs) >= len(pairs):
                    found.blocks.setdefault(outlet, set()).add(key)
                    found.new.add((outlet, key))
    return found


def _sample(known: StoredLine | None, new: list[str]) -> list[str]:
    """The holders a line is judged on: the first stored ones, and this run's in up to half
    of the sample, so that a line the store holds in many articles is judged again on new
    evidence rather than on the same stored pairs run after run."""
    stored = known.holders[: SAMPLE - min(len(new), SAMPLE // 2)] if known else []
    return (stored + new)[:SAMPLE]


def shared_blocks(a: Holder, b: Holder, marked: set[bytes], config: Config) -> set[bytes]:
    """The lines of ``marked`` that ``a`` and ``b`` hold in a block (a run of at least
    ``outlet_block_min_words`` words in each), when the two are otherwise unrelated; an
    empty set when they share no block or are related (see the module doc)."""
    shared = set(a.keys) & set(b.keys) & marked
    if not shared:
        return set()
    blocks = _runs(a, shared, config.clean.outlet_block_min_words) & _runs(
        b, shared, config.clean.outlet_block_min_words
    )
    if not blocks or not _otherwise_unrelated(a, b, shared, config):
        return set()
    return blocks


def _runs(holder: Holder, shared: set[bytes], min_words: int) -> set[bytes]:
    """The shared lines of ``holder`` that sit in runs of consecutive shared paragraphs of at
    least ``min_words`` words."""
    out: set[bytes] = set()
    run: list[bytes] = []
    words = 0
    for paragraph, key in [*zip(holder.paragraphs, holder.keys, strict=True), ("", b"")]:
        if key in shared:
            run.append(key)
            words += len(paragraph.split())
            continue
        if words >= min_words:
            out.update(run)
        run, words = [], 0
    return out


def _otherwise_unrelated(a: Holder, b: Holder, shared: set[bytes], config: Config) -> bool:
    """The three conditions of the module doc, on the two articles without ``shared``."""
    rests = []
    for holder in (a, b):
        words = [len(p.split()) for p in holder.paragraphs]
        in_shared = sum(w for w, k in zip(words, holder.keys, strict=True) if k in shared)
        if in_shared >= config.verify.partial_min_coverage * sum(words):
            return False  # most of the article: a reprint, not a block added to it
        rests.append(
            [p for p, k in zip(holder.paragraphs, holder.keys, strict=True) if k not in shared]
        )
    shingles = unique_shingles(rests, config)
    if smaller_share(*shingles) >= config.clean.boilerplate_max_story_overlap:
        return False  # an edited reprint
    names = [
        np.unique(
            np.array([n for t in (h.title, *rest) for n in names_and_numbers(t).split()], dtype=str)
        )
        for h, rest in zip((a, b), rests, strict=True)
    ]
    return smaller_share(*names) < config.clean.outlet_block_max_name_overlap


#: A row of the store's ``outlet_lines``: key, outlet (None: not one outlet's), holders
#: (article ids), articles, learned.
LineRow = tuple[int, str | None, list[str], int, bool]


def outlet_line_rows(
    lines: OutletLines, stored: Mapping[int, StoredLine], found: OutletBlocks
) -> Iterator[LineRow]:
    """Rows of the store's ``outlet_lines`` for a batch of new articles' ``lines``, merged
    with what the store held (``stored``, read before the batch was judged). A line only in
    articles of no outlet and unknown to the store gets no row: nothing can be learned of
    it."""
    for g, key in enumerate(lines.stored_keys()):
        code = int(lines.outlet[g])
        known = stored.get(key)
        if code == NO_OUTLET and known is None:
            continue
        articles = int(lines.count[g]) + (known.articles if known else 0)
        outlet = lines.names[code] if code >= 0 else None
        if outlet is None or (known is not None and known.outlet != outlet):
            yield key, None, [], articles, False  # not one outlet's line (any more)
            continue
        holders = (known.holders if known else []) + lines.holders(g)
        learned = (known is not None and known.block) or (
            (outlet, lines.keys[g].tobytes()) in found.new
        )
        yield key, outlet, holders[:SAMPLE], articles, learned


def stored_key(key: bytes) -> int:
    """A line key as the store keys it: its 8 bytes read as one signed integer."""
    return int.from_bytes(key, "little", signed=True)
