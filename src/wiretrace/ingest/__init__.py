"""Ingest: files and folders in, :class:`~wiretrace.records.Article` records out.

Each reader yields an ``Article`` for every record it could read and a
``Skipped`` (with the reason) for every one it could not, so the run can
account for every input record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from wiretrace.errors import InputMissing, NoRecords
from wiretrace.ingest.csv_table import read_csv_file
from wiretrace.ingest.html_page import read_html_file
from wiretrace.ingest.jsonl import read_jsonl_file
from wiretrace.ingest.text import read_text_file
from wiretrace.ingest.warc import read_warc_file
from wiretrace.records import Article, Skipped

Reader = Callable[[Path, int], Iterator[Article | Skipped]]

READERS: dict[str, Reader] = {
    ".txt": read_text_file,
    ".jsonl": read_jsonl_file,
    ".jsonl.gz": read_jsonl_file,
    ".ndjson": read_jsonl_file,
    ".csv": read_csv_file,
    ".csv.gz": read_csv_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".warc": read_warc_file,
    ".warc.gz": read_warc_file,
}


def reader_for(path: Path) -> Reader | None:
    name = path.name.lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.endswith(suffix):
            return READERS[suffix]
    return None


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files under ``paths``, folders walked recursively in name order; hidden files skipped."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(".") for part in rel):
                    yield child
        else:
            yield path


def truncate(article: Article, max_chars: int) -> Article:
    if len(article.text) > max_chars:
        article.notes.append(f"text of {len(article.text)} chars cut to {max_chars}")
        article.text = article.text[:max_chars]
    return article


def check_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """``paths`` as paths, once each of them is known to exist (else :class:`InputMissing`,
    naming every missing one)."""
    found = [Path(p) for p in paths]
    missing = [str(p) for p in found if not p.exists()]
    if missing:
        raise InputMissing(f"no such file or folder: {', '.join(missing)}")
    return found


def read_inputs(
    paths: Iterable[str | Path], max_chars: int = 400_000
) -> Iterator[Article | Skipped]:
    """Read every article under ``paths``; yield Articles and Skipped records in input order.

    Every path is checked when this is called, before anything is read
    (:class:`InputMissing`); reading them to the end without a single record, not even a
    skipped one, is :class:`NoRecords`."""
    found = check_inputs(paths)
    return _at_least_one(read_files(found, max_chars), found)


def _at_least_one(records: Iterator[Article | Skipped], paths: list[Path]) -> Iterator:
    none = True
    for record in records:
        none = False
        yield record
    if none:
        kinds = ", ".join(sorted(READERS))
        raise NoRecords(
            f"no records in {', '.join(map(str, paths))} (files wiretrace reads: {kinds})"
        )


def read_files(paths: Iterable[str | Path], max_chars: int) -> Iterator[Article | Skipped]:
    """The records of ``paths`` as they are read, unchecked (a path gone meanwhile is a
    skipped record): one file of a Spark task may hold none."""
    for path in iter_files(paths):
        if not path.exists():
            yield Skipped(str(path), "no such file or folder")
            continue
        reader = reader_for(path)
        if reader is None:
            yield Skipped(str(path), f"unsupported file type ({''.join(path.suffixes) or 'none'})")
            continue
        for record in reader(path, max_chars):
            yield truncate(record, max_chars) if isinstance(record, Article) else record
