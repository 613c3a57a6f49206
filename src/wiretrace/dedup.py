"""A deduplicated corpus: the input records minus copies, and the list of what was removed.

``wiretrace dedup`` runs the engine of ``wiretrace run`` (:func:`wiretrace.pipeline.run`)
and drops, from each **copy family** (duplicates, copies, and partial copies at least half
of which is the family's text: ``cluster.py``), every member but one. Rewrites and
independent reports of the same events are not copies: they stay. Which member stays:

* ``original`` (the default): the family's original as the trace stage names it (the
  ``original`` of families.jsonl, from its lineage: a credit among the versions, then the
  earliest publication at the precision given, then the text; ``trace/original.py``).
  This needs the story stage, which ``run`` puts before the trace: text a version shares
  with articles of *other stories* counts against it (a reprint with a paragraph stitched
  in from another story holds all of its source and more, and would otherwise look the
  more complete), and rewrites join the lineage, where a dated one can be what the
  family's first member derives from. Without stories every version would look to share
  nothing with other stories, and the pick would change where it matters most.
* ``earliest``: the member published first (the start of its publication time: a date
  alone counts from its midnight), the longer on a tie; undated members after dated ones.
* ``longest``: the member with the most words (families list their members longest
  first).

``earliest`` and ``longest`` read only dates and lengths, so they run the copy engine
alone (no story stage: several times faster, the sentence encoder never loaded).

Records are written **as they were read**: a JSONL line as its JSON object (every field,
those wiretrace does not read included), a CSV row as its columns under the header's
names; a ``.txt`` file, an HTML page or a WARC response as the record wiretrace read from
it (``id``, ``title``, ``text`` before cleaning, ``url``, ``source``, ``published``,
``author``, ``fetched``, those it has). Never the cleaned text.

The ``removed`` file lists every input record not written, one a row: a copy with the id
kept in its place, the relation between them and why that one was kept; a record that
the run skipped (unreadable, empty, a duplicate id, too short: ``kept`` and ``relation``
null) with the reason.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import orjson

from wiretrace.codec import derived_rows
from wiretrace.config import Config
from wiretrace.errors import UsageError
from wiretrace.executor import Progress
from wiretrace.ingest import read_inputs
from wiretrace.ingest.decode import DecodeError, decode_text
from wiretrace.pipeline import RunResult, run
from wiretrace.records import RELATION_KINDS, Article, CleanArticle, CopyFamily, Relation
from wiretrace.tables import write_table
from wiretrace.trace.original import time_span

#: Which member of a copy family stays (see the module's text).
KEEP = ("original", "earliest", "longest")
#: The corpus formats dedup writes (a CSV corpus could not keep a record's types).
CORPUS_SUFFIXES = (".jsonl", ".jsonl.gz", ".parquet")
_JSONL = (".jsonl", ".jsonl.gz", ".ndjson")
_CSV = (".csv", ".csv.gz")
_RANK = {r: k for k, r in enumerate(RELATION_KINDS)}


class DedupProblem(UsageError, ValueError):
    """A mistake in what dedup was asked to do (the message says which)."""


@dataclass
class Removal:
    """One input record left out of the corpus, and why."""

    id: str | None
    #: The id kept in its place (null for a record the run skipped).
    kept: str | None
    #: The relation between the two (``duplicate``, ``copy``, ``partial``), the strongest
    #: relation to the family member named in ``via`` when they have none directly.
    relation: str | None
    reason: str
    via: str | None
    origin: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Deduplicated:
    corpus: Path
    removed_file: Path
    written: int
    removed: list[Removal]
    result: RunResult


def removed_path(out: str | Path) -> Path:
    """The drop list beside the corpus: ``NAME.removed`` with the corpus's suffix."""
    out = Path(out)
    name = out.name
    suffix = next(s for s in CORPUS_SUFFIXES[::-1] if name.lower().endswith(s))
    return out.with_name(f"{name[: -len(suffix)]}.removed{suffix}")


def check_out(out: str | Path) -> None:
    if not str(out).lower().endswith(CORPUS_SUFFIXES):
        raise DedupProblem(f"--out {out}: the corpus is written as .jsonl, .jsonl.gz or .parquet")


def dedup_config(config: Config, keep: str) -> Config:
    """``original`` needs the story and trace stages; the others the copy engine alone."""
    if keep not in KEEP:
        raise DedupProblem(f"--keep {keep}: one of {', '.join(KEEP)}")
    needs_trace = keep == "original"
    return replace(
        config,
        story=replace(config.story, enabled=needs_trace),
        trace=replace(config.trace, enabled=needs_trace or config.trace.enabled),
    )


def dedup(
    inputs: Sequence[str | Path],
    out: str | Path,
    keep: str = "original",
    config: Config | None = None,
    progress: Progress | None = None,
) -> Deduplicated:
    """Write the records of ``inputs`` minus copies to ``out`` and the drop list beside it."""
    check_out(out)
    config = dedup_config(config or Config(), keep)
    result = run(inputs, config, progress=progress)
    removed = removals(result, keep)
    gone = {r.origin for r in removed}
    kept = [a.origin for a in result.articles if a.origin not in gone]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0

    def counted(rows: Iterable[dict]) -> Iterator[dict]:
        nonlocal written
        for row in rows:
            written += 1
            yield row

    write_table(out, counted(records_as_read(kept, config.ingest.max_chars)))
    drop_list = write_table(removed_path(out), (r.to_dict() for r in removed))
    return Deduplicated(out, drop_list, written, removed, result)


# -- which member stays --------------------------------------------------------------------
def kept_members(result: RunResult, keep: str) -> dict[str, tuple[str, str]]:
    """Each copy family's member that stays, and why: ``{family: (id, why)}``."""
    articles = {a.id: a for a in _family_members(result)}
    if keep == "original":
        rows = derived_rows(result.families, result.stories, result.lineages, result.diffs)
        picks = {}
        for row, family in zip(rows["families"], result.families, strict=True):
            if row["original"]:
                picks[family.family] = (row["original"], f"the original: {row['original_reason']}")
            else:  # no lineage was traced for it: say so, and fall back on the dates
                pick, why = _earliest(family, articles)
                picks[family.family] = (pick, f"no original was traced; {why}")
        return picks
    if keep == "earliest":
        return {f.family: _earliest(f, articles) for f in result.families}
    return {
        f.family: (f.members[0], f"the longest of the family's {len(f.members)} members")
        for f in result.families
    }


def _family_members(result: RunResult) -> list[CleanArticle]:
    members = {m for f in result.families for m in f.members}
    return [a for a in result.articles if a.id in members]


def _earliest(family: CopyFamily, articles: dict[str, CleanArticle]) -> tuple[str, str]:
    def when(i: str) -> tuple:
        span = time_span(articles[i].published) if i in articles else None
        # members are listed longest first: on a tie in time, the longer stays
        return (span is None, span[0] if span else 0.0, family.members.index(i))

    pick = min(family.members, key=when)
    published = articles[pick].published if pick in articles else None
    if published is None:
        return pick, "no member is dated: the longest"
    return pick, f"published first ({published})"


def removals(result: RunResult, keep: str) -> list[Removal]:
    """Every input record not in the corpus: the copies, in input order, then the records
    the run skipped."""
    picks = kept_members(result, keep)
    family_of = {m: f for f in result.families for m in f.members}
    relations = _relation_index(result.relations)
    out = []
    for a in result.articles:
        family = family_of.get(a.id)
        if family is None:
            continue
        kept, why = picks[family.family]
        if a.id == kept:
            continue
        relation, via = _relation_to(a.id, kept, family, relations)
        through = f" (through {via})" if via else ""
        out.append(
            Removal(
                a.id,
                kept,
                relation,
                f"{relation} of {kept}{through}; kept {kept}, {why}",
                via,
                a.origin,
            )
        )
    out += [
        Removal(s.id, None, None, f"skipped: {s.reason}", None, s.origin)
        for s in result.accounting.skipped
    ]
    return out


def _relation_index(relations: Sequence[Relation]) -> dict[frozenset, Relation]:
    return {frozenset((r.a, r.b)): r for r in relations}


def _relation_to(
    member: str, kept: str, family: CopyFamily, relations: dict[frozenset, Relation]
) -> tuple[str, str | None]:
    """The relation of ``member`` to ``kept``; when they have none (a family joins through
    its longest members), its strongest relation to another member, and that member."""
    direct = relations.get(frozenset((member, kept)))
    if direct is not None:
        return direct.relation, None
    best = min(
        (
            (_RANK.get(r.relation, 9), -_coverage_of(r, member), other, r)
            for other in family.members
            if other != member and (r := relations.get(frozenset((member, other)))) is not None
        ),
        default=None,
    )
    if best is None:
        return "copy family", None
    return best[3].relation, best[2]


def _coverage_of(relation: Relation, member: str) -> float:
    return relation.coverage_a if relation.a == member else relation.coverage_b


# -- the records as they were read ---------------------------------------------------------
def records_as_read(origins: Sequence[str], max_chars: int) -> Iterator[dict]:
    """The input records at ``origins`` (as a run's articles name them), in that order
    within each file, files in order of first appearance."""
    by_file: dict[str, set[str]] = {}
    for origin in origins:
        by_file.setdefault(_file_of(origin), set()).add(origin)
    for name, wanted in by_file.items():
        lower = name.lower()
        if lower.endswith(_JSONL):
            found = _jsonl_records(Path(name), wanted)
        elif lower.endswith(_CSV):
            found = _csv_records(Path(name), wanted)
        else:
            found = {}
        missing = wanted - set(found)
        if missing:  # read again as the run read it: a text file, a page, a WARC response
            for record in read_inputs([name], max_chars):
                if isinstance(record, Article) and record.origin in missing:
                    found[record.origin] = _article_record(record)
        yield from (found[o] for o in sorted(found, key=_position))


def _file_of(origin: str) -> str:
    """The file an origin names: ``path:LINE`` (JSONL, CSV), ``path#N`` (WARC), ``path``."""
    for mark in (":", "#"):
        head, sep, tail = origin.rpartition(mark)
        if sep and tail.isdigit():
            return head
    return origin


def _position(origin: str) -> int:
    tail = origin.rpartition(":")[2] if ":" in origin else origin.rpartition("#")[2]
    return int(tail) if tail.isdigit() else 0


def _jsonl_records(path: Path, wanted: set[str]) -> dict[str, dict]:
    found = {}
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        for n, line in enumerate(fh, start=1):
            origin = f"{path}:{n}"
            if origin in wanted:
                record = orjson.loads(line)
                if isinstance(record, dict):
                    found[origin] = record
    return found


def _csv_records(path: Path, wanted: set[str]) -> dict[str, dict]:
    """Rows by the line each starts on, as the CSV reader names them, under the header's
    own names (the reader lower-cases them to find its columns)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        data = fh.read()
    try:
        text, _ = decode_text(data)
    except DecodeError:
        return {}
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    found = {}
    while True:
        origin = f"{path}:{reader.line_num + 1}"
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:  # the run skipped it, with its reason
            continue
        if origin in wanted and len(row) == len(header):
            found[origin] = dict(zip(header, row, strict=True))
    return found


def _article_record(article: Article) -> dict:
    fields = {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "url": article.url,
        "source": article.source,
        "published": article.published,
        "author": article.author,
        "fetched": article.fetched,
    }
    return {k: v for k, v in fields.items() if v not in (None, "")}
