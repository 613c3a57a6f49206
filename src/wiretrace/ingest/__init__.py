"""Ingest: files and folders in, :class:`~wiretrace.records.Article` records out.

Each reader yields an ``Article`` for every record it could read and a
``Skipped`` (with the reason) for every one it could not, so the run can
account for every input record.

The inputs named are expanded here (:func:`input_files`), for every engine:

- ``-`` is standard input, read as JSON Lines;
- a name that is no file but a glob pattern (``'data/*.jsonl'``, ``'crawl/**/*.warc.gz'``,
  quoted so the shell left it alone) is the files it matches, in name order;
- a folder is walked in name order, hidden files and folders passed over. Symbolic links
  are followed; one that loops (a link to a folder it is in) or leads nowhere is accounted
  for with its reason, as is anything in a folder that is not a regular file (a FIFO, a
  socket, a device: reading one could block the run for ever). Named on its own, a FIFO
  is read: ``wiretrace run <(zcat a.jsonl.gz)`` names one.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from wiretrace.errors import InputMissing, NoRecords
from wiretrace.ingest.csv_table import read_csv_file
from wiretrace.ingest.html_page import read_html_file
from wiretrace.ingest.jsonl import STDIN_NAME, read_jsonl_file, read_jsonl_stream
from wiretrace.ingest.parquet import read_parquet_file
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
    ".parquet": read_parquet_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".warc": read_warc_file,
    ".warc.gz": read_warc_file,
}
#: The input name that means standard input.
STDIN = "-"
_GLOB_CHARACTERS = frozenset("*?[")
_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def reader_for(path: Path) -> Reader | None:
    name = path.name.lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.endswith(suffix):
            return READERS[suffix]
    return None


def input_files(paths: Iterable[str | Path]) -> Iterator[Path | Skipped]:
    """The files the inputs ``paths`` name (see the module's text), ``Path("-")`` for
    standard input, and a ``Skipped`` for each name or folder entry that is not one."""
    for raw in paths:
        name = str(raw)
        if name == STDIN:
            yield Path(STDIN)
        elif _is_pattern(name):
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                yield Skipped(name, "no file matches the pattern")
            for match in matches:
                yield from _named(Path(match))
        else:
            yield from _named(Path(name))


def missing_inputs(paths: Iterable[str | Path]) -> list[Skipped]:
    """Of the inputs named, those that name nothing (no such file, no match), each with
    the reason."""
    missing = []
    for raw in map(str, paths):
        if raw == STDIN or os.path.lexists(raw):
            continue
        if not _is_pattern(raw):
            missing.append(Skipped(raw, "no such file or folder"))
        elif not glob.glob(raw, recursive=True):
            missing.append(Skipped(raw, "no file matches the pattern"))
    return missing


def _is_pattern(name: str) -> bool:
    """A name that is no file but has glob characters is a pattern (a file named so is
    read as itself)."""
    return bool(_GLOB_CHARACTERS & set(name)) and not os.path.lexists(name)


def _named(path: Path) -> Iterator[Path | Skipped]:
    """A name given on its own: a folder is walked, anything else is read as it is."""
    problem, mode = _status(path)
    if problem:
        yield Skipped(str(path), problem)
    elif stat.S_ISDIR(mode):
        real = path.resolve()
        yield from _walk(path, {_identity(p) for p in (real, *real.parents)})
    else:
        yield path


def _walk(folder: Path, above: set[tuple[int, int]]) -> Iterator[Path | Skipped]:
    """The files under ``folder`` in name order; ``above``: the folders it is in (itself
    included, up to the root), by device and inode, to tell a link loop."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        yield Skipped(str(folder), f"cannot read folder: {exc.strerror or exc}")
        return
    for name in names:
        if name.startswith("."):
            continue
        path = folder / name
        problem, mode = _status(path)
        if problem:
            yield Skipped(str(path), problem)
        elif stat.S_ISDIR(mode):
            here = _identity(path)
            if here in above:
                yield Skipped(str(path), "symbolic link loop (a link to a folder it is in)")
            else:
                yield from _walk(path, above | {here})
        elif stat.S_ISREG(mode):
            yield path
        else:
            yield Skipped(str(path), f"not a regular file ({_KINDS.get(stat.S_IFMT(mode), '?')})")


def _status(path: Path) -> tuple[str | None, int]:
    """(why ``path`` cannot be read, or None; its mode, links followed)."""
    try:
        return None, os.stat(path).st_mode
    except OSError as exc:
        if not os.path.lexists(path):
            return "no such file or folder", 0
        if os.path.islink(path):
            if exc.errno == errno.ELOOP:
                return "symbolic link loop", 0
            return f"dangling symbolic link (to {os.readlink(path)})", 0
        return f"cannot read: {exc.strerror or exc}", 0


def _identity(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_dev, info.st_ino


def truncate(article: Article, max_chars: int) -> Article:
    if len(article.text) > max_chars:
        article.notes.append(f"text of {len(article.text)} chars cut to {max_chars}")
        article.text = article.text[:max_chars]
    return article


def check_inputs(paths: Iterable[str | Path]) -> list[str | Path]:
    """The inputs ``paths``, once each names something (:func:`missing_inputs`); else
    :class:`InputMissing`, naming every one that does not: a run that skipped a mistyped
    path would report "nothing found" about articles it never saw."""
    named = list(paths)
    missing = missing_inputs(named)
    if missing:
        raise InputMissing("; ".join(f"{m.origin}: {m.reason}" for m in missing))
    return named


def read_inputs(
    paths: Iterable[str | Path], max_chars: int = 400_000
) -> Iterator[Article | Skipped]:
    """Read every article under ``paths``; yield Articles and Skipped records in input order.

    Every input named is checked when this is called, before anything is read
    (:func:`check_inputs`); reading them to the end without a single record, not even a
    skipped one, is :class:`NoRecords`."""
    named = check_inputs(paths)
    return _at_least_one(read_files(named, max_chars), named)


def _at_least_one(records: Iterator[Article | Skipped], named: list[str | Path]) -> Iterator:
    none = True
    for record in records:
        none = False
        yield record
    if none:
        kinds = ", ".join(sorted(READERS))
        raise NoRecords(
            f"no records in {', '.join(map(str, named))} (files wiretrace reads: {kinds})"
        )


def read_files(paths: Iterable[str | Path], max_chars: int) -> Iterator[Article | Skipped]:
    """The records of the inputs ``paths`` as they are read, unchecked (a file gone
    meanwhile is a skipped record): one file of a Spark task may hold none."""
    for path in input_files(paths):
        if isinstance(path, Skipped):
            yield path
            continue
        if str(path) == STDIN:
            records = read_jsonl_stream(sys.stdin.buffer, STDIN_NAME)
        elif (reader := reader_for(path)) is not None:
            records = reader(path, max_chars)
        else:
            yield Skipped(str(path), f"unsupported file type ({''.join(path.suffixes) or 'none'})")
            continue
        for record in records:
            yield truncate(record, max_chars) if isinstance(record, Article) else record
